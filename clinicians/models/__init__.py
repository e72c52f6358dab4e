"""The clinicians app's models, one idea a module. Every name other code imports
is re-exported here, so `from clinicians.models import Callback` keeps working;
Django finds the models through these imports (app label "clinicians")."""

from .callback import (
    Callback,
    CallbackEvent,
    CallbackQuerySet,
    Outcome,
    Status,
    Urgency,
    overdue_condition,
)
from .clinical import ContactAttempt, Risk, RiskAssessment
from .notices import LeadNotice
from .referrals import FollowUpResult, Provider, Referral
from .rota import Clinician, DutyChange, Shift

__all__ = [
    "Callback",
    "CallbackEvent",
    "CallbackQuerySet",
    "Clinician",
    "ContactAttempt",
    "DutyChange",
    "FollowUpResult",
    "LeadNotice",
    "Outcome",
    "Provider",
    "Referral",
    "Risk",
    "RiskAssessment",
    "Shift",
    "Status",
    "Urgency",
    "overdue_condition",
]
