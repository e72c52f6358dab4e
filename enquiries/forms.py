"""The confidential enquiry form: its questions, and how the answers are cleaned.

Made without asking the database (the view looks up the topic; the opening hours in
a hint are read when shown), and `form.data` stays what the person sent. What it
accepts as a phone number or an area is in `validators`, its guards against bots,
repeats and stale consent in `guards`, its crispy layout in `layout`."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Topic

from . import consent, guards, validators
from .availability import next_call_slot, opening_hours_summary
from .guards import (
    ConsentField,
    ConsentVersionField,
    StartedField,
    SubmissionTokenField,
    bot_trap,
    sign_started,  # enquiries/form_render.py imports it from here too
)
from .layout import enquiry_helper
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

YES_NO = [("yes", "Yes"), ("no", "No")]
_MISSING_CONTACT = {
    "phone": "Enter the phone number we should use.",
    "email": "Enter the email address we should use.",
}


class _CrisisStep(forms.BoundField):
    """Whether the emergency card has been shown with this form: as sent, or shown
    now with the form (`EnquiryForm.acknowledge_crisis`), so its next send goes
    through."""

    @property
    def data(self):
        return "True" if self.form.crisis_card_shown else super().data


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


class _HintWhenShown(forms.BoundField):
    """The call windows, whose hint names the opening hours (read from the
    database): worked out when the field is shown, not when a sent form is only
    checked. Django's BoundField reads its field's help text as it is made, and
    every field's bound field is made to check the form, on every send."""

    @property
    def help_text(self) -> str:
        return self.form.call_hint()

    @help_text.setter
    def help_text(self, value: str) -> None:
        pass  # BoundField.__init__ copies the field's, which has none


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
        bound_field_class=_HintWhenShown,  # the opening hours: EnquiryForm.call_hint
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
    consent = ConsentField(
        error_messages={
            "required": "Tick the box to agree, so that we can arrange your callback."
        },
    )
    share_topic = forms.BooleanField(
        required=False,
        help_text="It helps the clinician prepare. Leave it unticked if you prefer.",
    )
    website = bot_trap()
    # The hidden values the page hands back (enquiries/guards.py).
    submission_token = SubmissionTokenField(required=False, widget=forms.HiddenInput)
    started = StartedField(required=False, widget=forms.HiddenInput)
    topic = forms.SlugField(required=False, widget=forms.HiddenInput)
    consent_version = ConsentVersionField(required=False, widget=forms.HiddenInput)
    crisis_acknowledged = forms.BooleanField(
        required=False, widget=forms.HiddenInput, bound_field_class=_CrisisStep
    )

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
        super().__init__(data, **kwargs)
        self.crisis_card_shown = False
        self.fields["consent"].label = consent.consent_label()
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
        return enquiry_helper(self)

    @cached_property
    def _opening_hours(self) -> list[str]:
        return opening_hours_summary()

    def call_hint(self) -> str:
        """The call windows' hint, which names the opening hours."""
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
        return self.in_danger() and self["crisis_acknowledged"].data != "True"

    def looks_automated(self) -> bool:
        """A bot: it filled the hidden field, or sent the form faster than people do."""
        return guards.looks_automated(
            trap=self.cleaned_data.get("website"), started=self["started"].data
        )

    def acknowledge_crisis(self) -> None:
        """The emergency card is being shown: the next send goes through."""
        self.crisis_card_shown = True

    def shared_topic(self) -> str:
        """The topic's name, if the person ticked the box to share it."""
        if self.came_from and self.cleaned_data.get("share_topic"):
            return self.came_from.name
        return ""

    # --- validation -----------------------------------------------------------

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return validators.clean_phone_number(phone) if phone.strip() else ""

    def clean_area(self) -> str:
        return validators.clean_area(self.cleaned_data["area"])

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
        # A hidden value sent back unreadable was replaced (enquiries/guards.py).
        for problem in guards.resend_problems(self):
            self.add_error(None, problem)
        return cleaned
