import pytest

from clinicians.models import Urgency
from clinicians.urgency import message_suggests_danger, urgency_for
from enquiries.models import Enquiry


def _enquiry(**answers) -> Enquiry:
    return Enquiry(**({"danger": "none", "message": "", "substances": ""} | answers))


@pytest.mark.parametrize("danger", ["overdose", "suicide", "other"])
def test_someone_in_danger_now_is_urgent(danger):
    assert urgency_for(_enquiry(danger=danger)) == Urgency.URGENT


@pytest.mark.parametrize(
    "message",
    [
        "I think my son has taken an overdose",
        "she OD'd last week",
        "he took too many pills",
        "I have been thinking about suicide",
        "I want to end it all",
        "worried he will kill himself",
        "I have been self-harming again",
        "she keeps cutting herself",
        "he was unconscious this morning",
        "I can't wake him properly",
        "had a seizure when she stopped drinking",
    ],
)
def test_words_that_suggest_overdose_or_self_harm_make_it_urgent(message):
    assert message_suggests_danger(message)
    assert urgency_for(_enquiry(message=message)) == Urgency.URGENT


@pytest.mark.parametrize(
    "message",
    [
        "I would like advice about cutting down my drinking",
        "Is methadone safe long term?",
        "My dad drinks every night and I worry",
        "How do I find rehab near Leeds?",
    ],
)
def test_ordinary_worries_are_not_mistaken_for_danger(message):
    assert not message_suggests_danger(message)


@pytest.mark.parametrize("substance", ["heroin", "benzodiazepines", "alcohol"])
def test_substances_whose_withdrawal_or_overdose_can_kill_are_soon(substance):
    assert urgency_for(_enquiry(substances=f"cannabis,{substance}")) == Urgency.SOON


def test_everything_else_is_routine():
    assert urgency_for(_enquiry(substances="cannabis,cocaine")) == Urgency.ROUTINE
    assert urgency_for(_enquiry()) == Urgency.ROUTINE
