"""No secret link in any log line: the tokens in /my/…, /feeds/….ics, /s/…, /s/…/i/…, /unsubscribe/… and
/password/reset/… are replaced by [redacted].

Installed as a log record factory (`install_redaction`), so it holds for every logger and handler in the process —
uvicorn's access log, its error log, Litestar's and the app's own — however the logging is configured later and
however the server is started (`python -m server serve`, `make run`, or uvicorn pointed at `server.app:create_app`,
which calls it too). The record keeps its shape (msg and args), so uvicorn's access formatter still works.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"

# A path segment after /my/, /feeds/, /s/, /i/ (the invite of a survey link), /unsubscribe/ or /reset/ (a password
# link); the slash may be percent-encoded (a `next=%2Fmy%2F…` query). The segment ends at the next slash, query,
# fragment, quote or space.
_SEGMENT = r"(?:(?!%2[fF])[^/?#&\s\"'<>])+"
SECRET_IN_PATH = re.compile(r"((?:/|%2[fF])(?:my|feeds|s|i|unsubscribe|reset)(?:/|%2[fF]))" + _SEGMENT)


def redact(text: str) -> str:
    """The text with every secret link token replaced by [redacted]."""
    return SECRET_IN_PATH.sub(lambda match: match.group(1) + REDACTED, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes):
        return redact(value.decode("latin-1")).encode("latin-1")
    return value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_value(value) for value in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _redact_value(value) for key, value in record.args.items()}
    return record


class RedactSecrets(logging.Filter):
    """The same redaction as a filter, for a handler or logger configured by hand."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_redaction() -> None:
    """Wrap the process's log record factory once; every record made afterwards is redacted."""
    current = logging.getLogRecordFactory()
    if getattr(current, "gotong_redacts", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    make_record.gotong_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
