import pytest

from enquiries.danger import danger_reason, message_suggests_danger, reports_danger
from enquiries.models import Danger, Enquiry


def _enquiry(**answers) -> Enquiry:
    return Enquiry(**({"danger": Danger.NONE, "message": ""} | answers))


@pytest.mark.parametrize(
    ("danger", "reason"),
    [
        (Danger.OVERDOSE, "They said: someone may have taken too much (an overdose)"),
        (Danger.SUICIDE, "They said: someone is thinking about ending their life"),
        (Danger.OTHER, "They said: someone is in danger for another reason"),
    ],
)
def test_answering_that_someone_is_in_danger_reports_danger(danger, reason):
    enquiry = _enquiry(danger=danger)

    assert reports_danger(enquiry)
    assert danger_reason(enquiry) == reason


def test_words_in_the_message_report_danger_and_are_quoted_as_typed():
    enquiry = _enquiry(message="I think he took an Overdose and he is not breathing")

    assert reports_danger(enquiry)
    assert danger_reason(enquiry) == ("Their message mentions: Overdose, not breathing")


def test_each_word_is_quoted_once():
    enquiry = _enquiry(message="overdose. Another OVERDOSE? she OD'd")

    assert danger_reason(enquiry) == "Their message mentions: overdose, OD'd"


def test_the_answer_and_the_message_are_both_given():
    enquiry = _enquiry(danger=Danger.SUICIDE, message="she wants to end it all")

    assert danger_reason(enquiry) == (
        "They said: someone is thinking about ending their life."
        " Their message mentions: end it all"
    )


@pytest.mark.parametrize(
    "message",
    ["", "I would like advice about cutting down my drinking", "Is methadone safe?"],
)
def test_nothing_that_suggests_danger_reports_none_and_gives_no_reason(message):
    enquiry = _enquiry(message=message)

    assert not message_suggests_danger(message)
    assert not reports_danger(enquiry)
    assert danger_reason(enquiry) == ""


def test_the_callbacks_side_uses_the_same_rule():
    from clinicians import urgency

    assert urgency.message_suggests_danger is message_suggests_danger
