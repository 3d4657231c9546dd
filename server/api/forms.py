"""Input parsing for the admins' API key pages."""

from server.api.keys import SCOPES
from server.web.forms import Choice, Form, IdList, Text


class NewKeyForm(Form):
    fields = {
        "name": Text(required=True, max_length=100),
        "scopes": Choice(choices=SCOPES, many=True, required=True),
        "programs": IdList(),
    }
