"""What the enquiry form accepts as a phone number and as an area: each takes what
a person typed and returns it tidied, or says in plain words what to change."""

import re

from django.core.exceptions import ValidationError

_PHONE_CHARS = re.compile(r"^\+?[\d\s().-]+$")
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
_PLACE = re.compile(r"^[A-Za-z][A-Za-z .,'&()-]{1,59}$")


def clean_phone_number(value: str) -> str:
    """Accept UK and international numbers as people type them; keep them readable."""
    value = " ".join(value.split())
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 10 <= len(digits) <= 15:
        raise ValidationError(
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
        raise ValidationError(
            "Enter only the first half of your postcode, like LS6 or SW1A."
            " We do not need the whole postcode."
        )
    if any(character.isdigit() for character in value):
        if _OUTWARD_CODE.match(compact):
            return compact
    elif _PLACE.match(value):
        return value
    raise ValidationError(
        "Enter the name of your county or town, like West Yorkshire,"
        " or the first half of your postcode, like LS6."
    )
