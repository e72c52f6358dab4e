"""The buttons on a callback's page, as a table: who may press each, the form it
takes, and the service it calls. The page and the one view that handles them both
read this table, so a button is never shown that its view would refuse."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .. import services
from ..forms import (
    AttemptForm,
    CloseForm,
    FollowUpForm,
    ReassignForm,
    ReferForm,
    RiskForm,
    ScheduleForm,
    SignoffForm,
    UrgencyForm,
)
from ..models import Callback, Status


def may_open(request: HttpRequest, callback: Callback) -> bool:
    """Details are for the assignee, anyone in the team while unassigned, and leads."""
    user = request.user
    return (
        user.has_perm("clinicians.view_any_callback")
        or callback.assigned_to_id is None
        or callback.assigned_to.user_id == user.pk
    )


def may_act(request: HttpRequest, callback: Callback) -> bool:
    return request.user.has_perm("clinicians.change_callback") and may_open(
        request, callback
    )


def _is_open(request: HttpRequest, callback: Callback) -> bool:
    return callback.status != Status.CLOSED


def _may_claim(request: HttpRequest, callback: Callback) -> bool:
    # Claiming needs the callback to be open to this user: their own, unassigned,
    # or (for a lead) anyone's; so nobody takes a colleague's over to read it.
    return may_act(request, callback) and hasattr(request.user, "clinician")


def _not_yet_theirs(request: HttpRequest, callback: Callback) -> bool:
    clinician = getattr(request.user, "clinician", None)
    return _is_open(request, callback) and (
        clinician is None or callback.assigned_to_id != clinician.pk
    )


def _awaits_signoff(request: HttpRequest, callback: Callback) -> bool:
    return _is_open(request, callback) and callback.signoff_requested_at is not None


def _pending_follow_up(request: HttpRequest, callback: Callback) -> bool:
    referral = getattr(callback, "referral", None)
    return referral is not None and referral.followed_up_at is None


@dataclass(frozen=True)
class Action:
    """One button. `permitted` is who may press it (else 403); `offered` is when the
    page shows it; `run` calls the service with the form's cleaned data and returns
    what to tell the clinician. `instance` is the row a model form edits; `initial`
    what an empty form starts with."""

    name: str
    run: Callable[[HttpRequest, Callback, dict], str]
    form: type[forms.BaseForm] | None = None
    permitted: Callable[[HttpRequest, Callback], bool] = may_act
    offered: Callable[[HttpRequest, Callback], bool] = _is_open
    instance: Callable[[Callback], Model | None] | None = None
    initial: Callable[[Callback], dict] | None = None

    def bind(self, callback: Callback, data=None) -> forms.BaseForm | None:
        """The form, empty for the page, or with the pressed button's data."""
        if self.form is None:
            return None
        options = {}
        if self.instance is not None:
            options["instance"] = self.instance(callback)
        if data is None and self.initial is not None:
            options["initial"] = self.initial(callback)
        return self.form(data, **options)


def _claim(request, callback, data):
    services.callback_claim(callback=callback, clinician=request.user.clinician)
    return "The callback is yours."


def _start(request, callback, data):
    services.callback_start(callback=callback, by=request.user)
    return "Marked as in progress."


def _attempt(request, callback, data):
    attempt = services.attempt_log(callback=callback, by=request.user, **data)
    counted = "" if attempt.counts or attempt.reached else " It does not count"
    if counted:
        counted += f" towards closing: {services.spacing_rule(callback.urgency)}."
    return f"Attempt logged: {attempt.get_result_display()}.{counted}"


def _schedule(request, callback, data):
    at = data["at"]
    services.callback_schedule_next_attempt(callback=callback, at=at, by=request.user)
    return f"Next try planned for {timezone.localtime(at):%H:%M on %d %b}."


def _risk(request, callback, data):
    services.risk_record(callback=callback, by=request.user, **data)
    return "Risk panel saved."


def _band(request, callback, data):
    changed = services.callback_change_urgency(
        callback=callback, urgency=data["urgency"], reason=data["reason"],
        by=request.user,
    )  # fmt: skip
    band, due = (
        changed.get_urgency_display().lower(),
        timezone.localtime(changed.due_at),
    )
    return f"Band changed to {band}; due {due:%H:%M on %d %b}."


def _refer(request, callback, data):
    referral = services.callback_refer(callback=callback, by=request.user, **data)
    return (
        f"Referred to {referral.provider}; follow up on {referral.follow_up_on:%d %b}."
    )


def _close(request, callback, data):
    services.callback_close(callback=callback, outcome=data["outcome"], by=request.user)
    return "Callback closed."


def _signoff(request, callback, data):
    close_it = data["decision"] == "close"
    services.callback_signoff(
        callback=callback, by=request.user, reason=data["reason"], close_it=close_it
    )
    return (
        "Signed off: closed as unable to reach."
        if close_it
        else ("Sent back for more tries.")
    )


def _follow_up(request, callback, data):
    referral = services.referral_follow_up_record(
        callback=callback, by=request.user, **data
    )
    return f"Follow-up recorded: {referral.get_follow_up_result_display().lower()}."


def _reassign(request, callback, data):
    clinician = data["clinician"]
    services.callback_reassign(callback=callback, clinician=clinician, by=request.user)
    return f"Reassigned to {clinician}."


def _lead(permission: str):
    def permitted(request: HttpRequest, callback: Callback) -> bool:
        return request.user.has_perm(permission) and may_open(request, callback)

    return permitted


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("claim", _claim, permitted=_may_claim, offered=_not_yet_theirs),
        Action("start", _start),
        Action(
            "attempt", _attempt, AttemptForm,
            initial=lambda callback: {"channel": callback.enquiry.contact_method},
        ),
        Action("schedule", _schedule, ScheduleForm),
        Action(
            "risk", _risk, RiskForm,
            instance=lambda callback: getattr(callback, "risk", None),
        ),
        Action("band", _band, UrgencyForm),
        Action("refer", _refer, ReferForm),
        Action("close", _close, CloseForm),
        Action(
            "signoff", _signoff, SignoffForm,
            permitted=_lead("clinicians.signoff_callback"),
            offered=_awaits_signoff,
        ),
        Action("follow_up", _follow_up, FollowUpForm, offered=_pending_follow_up),
        Action(
            "reassign", _reassign, ReassignForm,
            permitted=_lead("clinicians.reassign_callback"),
            initial=lambda callback: {"clinician": callback.assigned_to_id},
        ),
    ]
}  # fmt: skip
