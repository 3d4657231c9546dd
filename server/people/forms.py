"""Input parsing for staff accounts."""

from server.web.access import ROLES
from server.web.forms import Checkbox, Choice, Date, Email, Form, Text


class NewStaffForm(Form):
    fields = {
        "display_name": Text(required=True, max_length=120),
        "username": Text(required=True, max_length=100),
        "email": Email(required=True),
        "role": Choice(required=True, choices=ROLES),
        "password": Text(required=True, max_length=128),
    }


class EditStaffForm(Form):
    fields = {
        "display_name": Text(required=True, max_length=120),
        "role": Choice(required=True, choices=ROLES),
        "active": Checkbox(),
        "licence_number": Text(max_length=80),
        "licence_expires_on": Date(),
    }
