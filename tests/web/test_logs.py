"""Log lines the app itself writes never carry a secret link token (the real-server access log:
tests/system/test_logs.py)."""

import logging

from server.web.logs import install_redaction, redact


def test_every_kind_of_secret_link_is_redacted():
    assert redact("/my/AbC-12_x/rsvp/3") == "/my/[redacted]/rsvp/3"
    assert redact("/feeds/AbC-12_x.ics") == "/feeds/[redacted]"
    assert redact("/s/AbC/i/DeF") == "/s/[redacted]/i/[redacted]"
    assert redact("/login?next=%2Fmy%2FAbC%3Fx") == "/login?next=%2Fmy%2F[redacted]"
    assert (
        redact("/programs/kelompok/calendar.ics /sessions/12.ics /static/app.css")
        == "/programs/kelompok/calendar.ics /sessions/12.ics /static/app.css"
    )


def test_app_log_records_are_redacted_in_message_and_arguments(caplog, app):
    install_redaction()  # as create_app does
    with caplog.at_level(logging.INFO):
        logging.getLogger("gotong").error("unhandled error on %s %s", "GET", "/my/SeCrEt123/data.csv")
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/feeds/SeCrEt456.ics", "1.1", 200
        )
        logging.getLogger("gotong").warning("link /s/SeCrEt789/i/SeCrEt000 opened")
    text = caplog.text
    assert "SeCrEt" not in text
    assert "/my/[redacted]/data.csv" in text and "/feeds/[redacted]" in text and "/s/[redacted]/i/[redacted]" in text
