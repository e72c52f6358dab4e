import io
import logging

from referral_site.logging import RedactPersonalData, redact


def test_personal_data_in_a_message_is_replaced():
    text = redact(
        "Call 07700 900123 or +44 (0)7700 900 123, mail sam.o@example.org,"
        " lives LS6 2AB"
    )

    assert text == "Call [phone] or [phone], mail [email], lives [postcode]"


def test_references_ids_and_times_are_left_alone():
    text = (
        "Callback R-7KQ3MX for enquiry 1234 is due by 14:30 on 2026-11-25;"
        " task succeeded in 0.017669099000045208s"
    )

    assert redact(text) == text


def test_the_filter_redacts_arguments_and_exception_text():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "bad phone %s", ("07700 900123",), None
    )
    try:
        raise ValueError("sam@example.org is not valid")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    RedactPersonalData().filter(record)

    assert record.getMessage() == "bad phone [phone]"
    assert "sam@example.org" not in record.exc_text
    assert "[email] is not valid" in record.exc_text


def test_the_configured_console_handler_redacts():
    handlers = [
        h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler
    ]
    assert handlers, "the console handler from settings.LOGGING is missing"
    for handler in handlers:
        stream = io.StringIO()
        old = handler.setStream(stream)
        try:
            logging.getLogger("enquiries.test").warning("from sam@example.org")
        finally:
            handler.setStream(old)
        assert stream.getvalue() == "WARNING enquiries.test: from [email]\n"
