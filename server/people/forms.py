"""Input parsing for staff accounts and the organisation's settings."""

from server.config import SUPPORTED_LOCALES
from server.organisation.services import MAX_OFFER_HOURS
from server.web.access import ROLES
from server.web.forms import Checkbox, Choice, Date, Email, Form, Integer, LongText, Phone, Text, TimeZone


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


class OrganisationForm(Form):
    """The organisation's settings; the logo comes as a file beside these fields (checked by its service)."""

    fields = {
        "name": Text(max_length=200),
        "short_name": Text(max_length=60),
        "email": Email(),
        "phone": Phone(),
        "address": LongText(max_length=500),
        "default_locale": Choice(choices=SUPPORTED_LOCALES),
        "default_timezone": TimeZone(),
        "absence_warning_streak": Integer(min_value=1, max_value=52),
        "offer_hours": Integer(min_value=0, max_value=MAX_OFFER_HOURS),
        "remove_logo": Checkbox(),
    }
