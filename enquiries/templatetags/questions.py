"""The enquiry form's questions, laid out as GOV.UK lays them out: the question, its
hint, then its error, then the answer. These say which hint and error belong to a
question, for screen readers (aria-describedby)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def described_by(field: BoundField) -> str:
    """'id_phone_helptext id_phone_error': the ids of the hint and error shown."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)
