"""The small forms behind the callback page's one-click actions."""

from django import forms
from django.utils import timezone

from .models import ContactAttempt, Outcome, Provider, Referral, Risk, RiskAssessment

RISK_FIELDS = [
    "overdose_risk", "injecting", "blood_borne_viruses", "self_harm",
    "harm_to_others", "children_or_dependants",
]  # fmt: skip


class AttemptForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactAttempt.Channel.choices)
    result = forms.ChoiceField(choices=ContactAttempt.Result.choices)
    message_left = forms.BooleanField(
        required=False, label="A voicemail or message was left"
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only what a colleague needs. Encrypted; erased with the enquiry.",
    )


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
            if c[0] not in {Outcome.WITHDRAWN, Outcome.REFERRED}
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
