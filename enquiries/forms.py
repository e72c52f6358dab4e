import re
import time
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.functional import cached_property, lazy

from articles.models import Topic

from . import consent
from .availability import next_call_slot, opening_hours_summary
from .models import (
    MESSAGE_MAX_LENGTH,
    CallWindow,
    ContactMethod,
    Danger,
    ForWhom,
    Relationship,
    Substance,
    TheyKnow,
    Weekday,
)

_PHONE_CHARS = re.compile(r"^\+?[\d\s().-]+$")
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
_PLACE = re.compile(r"^[A-Za-z][A-Za-z .,'&()-]{1,59}$")
_STARTED_SALT = "enquiries.form-started"
YES_NO = [("yes", "Yes"), ("no", "No")]
_MISSING_CONTACT = {
    "phone": "Enter the phone number we should use.",
    "email": "Enter the email address we should use.",
}
_UNREADABLE = "We could not read this form. Check your answers, then send it again."


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


def clean_area(value: str) -> str:
    """A county or town, or the first half of a postcode; never a whole postcode."""
    value = " ".join(value.split())
    if not value:
        return ""
    compact = value.upper().replace(" ", "")
    if _FULL_POSTCODE.match(value.upper()) or _FULL_POSTCODE.match(compact):
        raise forms.ValidationError(
            "Enter only the first half of your postcode, like LS6 or SW1A."
            " We do not need the whole postcode."
        )
    if any(character.isdigit() for character in value):
        if _OUTWARD_CODE.match(compact):
            return compact
    elif _PLACE.match(value):
        return value
    raise forms.ValidationError(
        "Enter the name of your county or town, like West Yorkshire,"
        " or the first half of your postcode, like LS6."
    )


def _yes_no(
    label: str, help_text: str, required_message: str
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class Details(Div):
    """Optional questions behind a <summary> (a <details> needs no JavaScript),
    open when the form comes back with any of them answered or wrong: nothing
    typed, and no error, is ever folded away."""

    template = "enquiries/layout/details.html"

    def __init__(self, summary: str, *names: str, form: forms.Form) -> None:
        super().__init__(*names)
        self.summary = summary
        self.names = names
        self.form = form

    @property
    def open(self) -> bool:
        form = self.form
        if not form.is_bound:
            return False
        data = form.data
        return any(
            name in form.errors
            or any(data.getlist(name) if hasattr(data, "getlist") else [data.get(name)])
            for name in self.names
        )


class EnquiryForm(forms.Form):
    over_18 = forms.ChoiceField(
        label="Are you 18 or over?",
        help_text="Our service is for adults. If you are under 18 we will show you"
        " services for young people.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether you are 18 or over."},
    )
    for_whom = forms.ChoiceField(
        label="Who are you asking for help for?",
        choices=ForWhom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us who you are asking for help for."},
    )
    relationship = forms.ChoiceField(
        label="Who are they to you?",
        help_text="We do not need their name.",
        choices=Relationship.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    they_know = forms.ChoiceField(
        label="Do they know you are contacting us?",
        choices=TheyKnow.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    danger = forms.ChoiceField(
        label="Is anyone in immediate danger right now?",
        choices=Danger.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether anyone is in immediate danger."},
    )
    substances = forms.MultipleChoiceField(
        label="What are you worried about? (optional)",
        help_text="Choose all that apply.",
        choices=Substance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Anything you would like us to know before we call (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Up to {MESSAGE_MAX_LENGTH} characters. You can leave this empty:"
        " we will ask what we need when we talk.",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "max_length": f"Shorten your message to {MESSAGE_MAX_LENGTH} characters"
            " or fewer (it has %(show_value)d).",
        },
    )
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
    contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should contact you."},
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        required=False,
        help_text="For a call or a text. UK or international.",
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
        error_messages={
            "max_length": "Enter a phone number of 32 characters or fewer."
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        help_text="Only if you would like us to email you.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address like name@example.org.",
            "max_length": "Enter an email address of 254 characters or fewer.",
        },
    )
    call_windows = forms.MultipleChoiceField(
        label="When is it safe for us to call? (optional)",
        choices=CallWindow.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    call_days = forms.TypedMultipleChoiceField(
        label="Which days? (optional)",
        help_text="Leave these empty and we will call on any day we are open.",
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    voicemail_ok = _yes_no(
        "Can we leave a voicemail or a message?",
        "If yes, it will only ask you to call us back, not say what it is about.",
        "Tell us whether we can leave a voicemail or a message.",
    )
    say_who_we_are_ok = _yes_no(
        "If someone else answers, can we say who we are?",
        "If no, we will only ask for you by the name you give us.",
        "Tell us whether we can say who we are if someone else answers.",
    )
    area = forms.CharField(
        label="Where are you? (optional)",
        max_length=60,
        required=False,
        help_text="Your county or town, or the first half of your postcode, like LS6."
        " It helps us suggest services near you.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Enter 60 characters or fewer."},
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Tick the box to agree, so that we can arrange your callback."
        },
    )
    share_topic = forms.BooleanField(
        required=False,
        help_text="It helps the clinician prepare. Leave it unticked if you prefer.",
    )
    # Not for people: a field hidden from them that only bots fill in.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # One token per form shown: sending the same form twice finds the first enquiry.
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    topic = forms.SlugField(required=False, widget=forms.HiddenInput)
    consent_version = forms.CharField(required=False, widget=forms.HiddenInput)
    crisis_acknowledged = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, topic: Topic | None = None, **kwargs) -> None:
        """`topic` is the one the person was reading about (the view looks it up from
        the link, or from the form sent back): the form itself never asks the
        database while it is made; the opening hours in a hint are read when shown."""
        initial = kwargs.setdefault("initial", {})
        if topic is not None:
            initial["topic"] = topic.slug
        initial.setdefault("submission_token", uuid.uuid4())
        initial.setdefault("started", sign_started())
        initial.setdefault("consent_version", consent.VERSION)
        self._problems: list[str] = []
        if data is not None:
            data = self._repaired(data)
        super().__init__(data, **kwargs)
        self.fields["consent"].label = consent.consent_label()
        self.fields["call_windows"].help_text = _lazy_str(self._call_windows_hint)
        self.came_from = topic
        if topic is not None:
            self.fields[
                "share_topic"
            ].label = f"Tell the clinician you were reading about {topic.name.lower()}"
        else:
            del self.fields["share_topic"]

    @cached_property
    def helper(self) -> FormHelper:
        # Built when the form is rendered: a cached page never needs it.
        return self._layout()

    @cached_property
    def _opening_hours(self) -> list[str]:
        return opening_hours_summary()

    def _call_windows_hint(self) -> str:
        hours = "; ".join(self._opening_hours)
        return (
            f"Leave these empty and we will call when we are open: {hours}."
            if hours
            else "Leave these empty and we will call at any time we are open."
        )

    # --- what the view needs to know -------------------------------------------

    def is_under_18(self) -> bool:
        return self.is_bound and self.data.get("over_18") == "no"

    def in_danger(self) -> bool:
        """Whether the answers say someone is in immediate danger right now."""
        answer = self.data.get("danger") if self.is_bound else None
        return answer in {Danger.OVERDOSE, Danger.SUICIDE, Danger.OTHER}

    def needs_crisis_card(self) -> bool:
        """In danger and not yet shown the emergency card with this form."""
        return self.in_danger() and self.data.get("crisis_acknowledged") != "True"

    def looks_automated(self) -> bool:
        """A bot: it filled the hidden field, or sent the form faster than people do."""
        if self.cleaned_data.get("website"):
            return True
        started = _unsign(self.data.get("started"))
        return (
            started is None or time.time() - started < settings.ENQUIRY_MIN_FILL_SECONDS
        )

    def acknowledge_crisis(self) -> None:
        """The emergency card is being shown: the next send goes through."""
        self.data = self.data.copy()
        self.data["crisis_acknowledged"] = "True"

    def shared_topic(self) -> str:
        """The topic's name, if the person ticked the box to share it."""
        if self.came_from and self.cleaned_data.get("share_topic"):
            return self.came_from.name
        return ""

    # --- validation -----------------------------------------------------------

    def _repaired(self, data):
        """`data` with missing or tampered hidden values replaced, so the next send
        can work; each problem is kept for `clean` to report."""
        replace: dict[str, str] = {}
        if not _is_uuid(data.get("submission_token")):
            replace["submission_token"] = str(uuid.uuid4())
            self._problems.append(_UNREADABLE)
        if _unsign(data.get("started")) is None:
            replace["started"] = sign_started()
            if _UNREADABLE not in self._problems:
                self._problems.append(_UNREADABLE)
        stale_consent = data.get("consent_version") != consent.VERSION
        if stale_consent:
            replace["consent_version"] = consent.VERSION
            self._problems.append(
                "We have changed how we describe the use of your information since"
                " this form was opened. Please read it and tick the box again."
            )
        if not replace:
            return data
        data = data.copy()
        for name, value in replace.items():
            data[name] = value
        if stale_consent:
            data.pop("consent", None)
        return data

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return clean_phone_number(phone) if phone.strip() else ""

    def clean_area(self) -> str:
        return clean_area(self.cleaned_data["area"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("for_whom") == ForWhom.SOMEONE_ELSE:
            if not cleaned.get("relationship"):
                self.add_error(
                    "relationship",
                    "Tell us who the person you are worried about is to you.",
                )
        else:
            cleaned["relationship"] = cleaned["they_know"] = ""
        method = cleaned.get("contact_method")
        needs = {
            "phone": method in {ContactMethod.PHONE, ContactMethod.TEXT},
            "email": method == ContactMethod.EMAIL,
        }
        for field, needed in needs.items():
            if needed and not cleaned.get(field) and field not in self.errors:
                self.add_error(field, _MISSING_CONTACT[field])
        windows, days = (
            cleaned.get("call_windows") or [],
            cleaned.get("call_days") or [],
        )
        if (windows or days) and next_call_slot(
            after=timezone.now(), windows=windows, days=days
        ) is None:
            self.add_error(
                "call_windows",
                "We are not open at the times you chose. Choose another time or day.",
            )
        for problem in self._problems:
            self.add_error(None, problem)
        return cleaned

    # --- layout ---------------------------------------------------------------

    def _layout(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_id = "enquiry-form"
        helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        section = "form-section"
        helper.layout = Layout(
            Fieldset("About you", "over_18", "for_whom", css_class=section),
            Div(
                Fieldset(
                    "About the person you are worried about",
                    HTML('{% include "enquiries/includes/we_call_you.html" %}'),
                    "relationship",
                    "they_know",
                    css_class=section,
                ),
                css_id="someone-else",
            ),
            Fieldset(
                "What is happening",
                "danger",
                HTML('{% include "enquiries/includes/crisis_card.html" %}'),
                self._details(
                    "Tell us what you are worried about (optional)", "substances"
                ),
                "message",
                *(["share_topic"] if self.came_from else []),
                css_class=section,
            ),
            Fieldset(
                "How to reach you",
                HTML(
                    '<p class="form-text">We will only ever contact you. If you are'
                    " asking about someone else, we will not contact them.</p>"
                ),
                "name",
                "contact_method",
                "phone",
                "email",
                self._details(
                    "Choose when it is safe for us to call (optional)",
                    "call_windows",
                    "call_days",
                ),
                "voicemail_ok",
                "say_who_we_are_ok",
                "area",
                css_class=section,
            ),
            Fieldset("Your agreement", "consent", css_class=section),
            # The service's hours, and whether anyone can call today, before the send.
            HTML('{% include "enquiries/includes/when_we_call.html" %}'),
            Div(Field("website"), css_class="form-trap", aria_hidden="true"),
            "submission_token",
            "started",
            "consent_version",
            "crisis_acknowledged",
            "topic",
        )
        label = "Send my request anyway" if self.in_danger() else "Ask for a callback"
        helper.add_input(Submit("submit", label))
        return helper

    def _details(self, summary: str, *names: str) -> Details:
        return Details(summary, *names, form=self)


# One lazy type, made once: `lazy()` builds a class each time it is called.
_lazy_call = lazy(lambda function: function(), str)


def _lazy_str(function) -> str:
    return _lazy_call(function)


def sign_started(at: float | None = None) -> str:
    """The signed time the form was shown: a send much sooner is a bot's."""
    return signing.dumps(time.time() if at is None else at, salt=_STARTED_SALT)


def _unsign(value: object) -> float | None:
    try:
        return float(signing.loads(str(value), salt=_STARTED_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
