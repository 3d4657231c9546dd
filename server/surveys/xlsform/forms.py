"""Input of the XLSForm import page: what the file cannot say (purpose, program, anonymity); the file itself is read
by reading.py."""

from __future__ import annotations

from server.surveys.services import PURPOSES
from server.web.forms import Checkbox, Choice, Form, Id


class ImportForm(Form):
    fields = {
        "purpose": Choice(required=True, choices=PURPOSES),
        "program": Id(),
        "anonymous": Checkbox(),
    }
