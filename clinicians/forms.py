"""The small forms behind the callback page's one-click actions."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from .models import (
    Clinician,
    ContactAttempt,
    FollowUpResult,
    Outcome,
    Provider,
    Referral,
    Risk,
    RiskAssessment,
    Urgency,
)

RISK_FIELDS = [
    "overdose_risk", "injecting", "blood_borne_viruses", "self_harm",
    "harm_to_others", "children_or_dependants",
]  # fmt: skip


def _note() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only what a colleague needs. Encrypted; erased with the enquiry.",
    )


class AttemptForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactAttempt.Channel.choices)
    result = forms.ChoiceField(choices=ContactAttempt.Result.choices)
    message_left = forms.BooleanField(
        required=False, label="A voicemail or message was left"
    )
    note = _note()


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label="Next try at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise forms.ValidationError("Choose a time in the future for the next try.")
        return at


class CloseForm(forms.Form):
    # Referred closes through ReferForm; withdrawn is the person's own doing.
    outcome = forms.ChoiceField(
        choices=[("", "Choose an outcome")]
        + [
            c
            for c in Outcome.choices
            if c[0] not in {Outcome.WITHDRAWN, Outcome.REFERRED, Outcome.ERASED}
        ],
        error_messages={"required": "Choose an outcome to close the callback."},
    )


class RiskForm(forms.ModelForm):
    class Meta:
        model = RiskAssessment
        fields = RISK_FIELDS
        widgets = {
            name: forms.RadioSelect(choices=Risk.choices) for name in RISK_FIELDS
        }


class ReferForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.filter(is_active=True),
        error_messages={"required": "Choose the provider you referred them to."},
    )
    funding_route = forms.ChoiceField(
        choices=[("", "Choose how it is paid for"), *Referral.Funding.choices],
        error_messages={"required": "Choose how the treatment is paid for."},
    )
    follow_up_on = forms.DateField(
        label="Follow up on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose when to check they got there."},
    )

    def clean_follow_up_on(self):
        # After the retention period the person's details are gone: a follow-up
        # then could not reach them.
        follow_up_on = self.cleaned_data["follow_up_on"]
        latest = timezone.localdate() + timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
        if follow_up_on > latest:
            raise forms.ValidationError(
                f"Follow up by {latest:%d %B %Y}: after"
                f" {settings.ENQUIRY_RETENTION_DAYS} days their details are deleted."
            )
        return follow_up_on


def _reason(label: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": required},
        help_text="Goes in the callback's history. Encrypted; erased with the enquiry.",
    )


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(
        label="New band",
        choices=[("", "Choose a band"), *Urgency.choices],
        error_messages={"required": "Choose the new band."},
    )
    reason = _reason("Why", "Say why the band should change.")


class SignoffForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("close", "Close it as unable to reach"),
            ("retry", "Send it back for more tries"),
        ],
        error_messages={"required": "Choose whether to close it or keep trying."},
    )
    reason = _reason("Why", "Say why: the reason goes in the record.")


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label="What you found",
        widget=forms.RadioSelect,
        choices=FollowUpResult.choices,
        error_messages={"required": "Choose what you found."},
    )
    note = _note()


class ReassignForm(forms.Form):
    clinician = forms.ModelChoiceField(
        label="Give to",
        queryset=Clinician.objects.filter(is_active=True),
        error_messages={"required": "Choose a clinician to give this callback to."},
    )
