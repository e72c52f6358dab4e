import re
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from .models import MESSAGE_MAX_LENGTH

_PHONE_CHARS = re.compile(r"^\+?[\d\s().-]+$")


def clean_phone_number(value: str) -> str:
    """Accept UK and international numbers as people type them; keep them readable."""
    value = " ".join(value.split())
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 10 <= len(digits) <= 15:
        raise forms.ValidationError(
            "Enter a phone number with its area code, like 07700 900123"
            " or +44 7700 900123."
        )
    return value


class EnquiryForm(forms.Form):
    name = forms.CharField(
        label="What should we call you?",
        max_length=100,
        help_text="A first name, or any name you are happy to be called."
        " It does not need to be your full or real name.",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={
            "required": "Enter a name we can call you by.",
            "max_length": "Enter a name of 100 characters or fewer.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        help_text="The number a clinician should call. UK or international.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": "Enter the phone number we should call.",
            "max_length": "Enter a phone number of 32 characters or fewer.",
        },
    )
    message = forms.CharField(
        label="Anything you would like us to know before we call (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Up to {MESSAGE_MAX_LENGTH} characters. You can leave this empty:"
        " we will ask what we need when we call.",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "max_length": f"Shorten your message to {MESSAGE_MAX_LENGTH} characters"
            " or fewer (it has %(show_value)d).",
        },
    )
    consent = forms.BooleanField(
        # The label links to the privacy notice: set in __init__, once URLs are loaded.
        error_messages={
            "required": "Tick the box to agree, so that we can arrange your callback."
        },
    )
    # One token per form shown: sending the same form twice finds the first enquiry.
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            "I agree that the service may use what I have told us, including"
            ' information about health, to arrange a callback. <a href="{}">How we'
            " use and protect your information</a>.",
            reverse("privacy"),
        )
        self._token_replaced = False
        if self.is_bound and not _is_uuid(self.data.get("submission_token")):
            # Missing or tampered with: issue a fresh one so the next send can work.
            self.data = self.data.copy()
            self.data["submission_token"] = str(uuid.uuid4())
            self._token_replaced = True
        self.helper = FormHelper()
        self.helper.form_id = "enquiry-form"
        self.helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        self.helper.add_input(Submit("submit", "Ask for a callback"))

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if self._token_replaced:
            raise forms.ValidationError(
                "We could not read this form. Check your answers, then send it again.",
                code="token",
            )
        return cleaned


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
