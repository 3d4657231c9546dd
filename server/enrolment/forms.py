"""Input parsing for enrolling people, self-registration, staff actions on enrolments and the personal page."""

from __future__ import annotations

from server.config import SUPPORTED_LOCALES
from server.i18n import gettext as _
from server.people.participants import contact_consent_refusals
from server.web.forms import Checkbox, Choice, Email, Form, Id, Phone, Text

_CONSENTS = {
    "consent_participation": Checkbox(),
    "consent_data_collection": Checkbox(),
    "consent_contact": Checkbox(),
}


def consented(form: Form) -> list[str]:
    """The purposes ticked on a form, in the consent module's order."""
    return [name.removeprefix("consent_") for name in _CONSENTS if form.cleaned.get(name)]


def _refuse_contact_without_consent(form: Form) -> None:
    """The contact details given without consent to be contacted (refused again when the person is saved), in the
    same round as the fields' own errors."""
    for refusal in contact_consent_refusals(form.cleaned, bool(form.cleaned.get("consent_contact"))):
        form.refuse(refusal)


class EnrolExistingForm(Form):
    """Staff enrol someone already registered; consent they give now may be recorded at the same time."""

    fields = {"participant_id": Id(required=True), **_CONSENTS}


class NewParticipantForm(Form):
    """Staff register a new person and enrol them in one step."""

    fields = {
        "display_name": Text(required=True, max_length=120),
        "legal_name": Text(max_length=200),
        "phone": Phone(),
        "email": Email(),
        "preferred_locale": Choice(required=True, choices=SUPPORTED_LOCALES),
        **_CONSENTS,
        "confirm_not_duplicate": Checkbox(),
    }

    def clean(self) -> None:
        if not self.cleaned["consent_participation"]:
            self.add_error("consent_participation", _("Taking part needs the person's consent."))
        _refuse_contact_without_consent(self)


class SelfRegistrationForm(Form):
    fields = {
        "display_name": Text(required=True, max_length=120),
        "phone": Phone(),
        "email": Email(),
        "preferred_locale": Choice(required=True, choices=SUPPORTED_LOCALES),
        **_CONSENTS,
    }

    def clean(self) -> None:
        for name in ("consent_participation", "consent_data_collection"):
            if not self.cleaned[name]:
                self.add_error(name, _("Registration needs this consent."))
        _refuse_contact_without_consent(self)
        if self.cleaned["consent_contact"] and not (self["phone"] or self["email"]):
            self.add_error("phone", _("To be contacted, give a phone number or an e-mail address."))


class WithdrawForm(Form):
    fields = {"reason": Text(required=True, max_length=500)}


class LinkForm(Form):
    # `send`: the new link goes to the person by message too (the box is ticked when they can be reached).
    fields = {"action": Choice(required=True, choices=("reissue", "revoke")), "send": Checkbox()}


class LinkSendForm(Form):
    """A new personal link from the person's detail page; `send` as in LinkForm."""

    fields = {"send": Checkbox()}


class RsvpForm(Form):
    fields = {"response": Choice(required=True, choices=("going", "not_going"))}


class ConfirmForm(Form):
    """A destructive step on the personal page: the form carries confirm=yes from the confirmation box."""

    fields = {"confirm": Choice(required=True, choices=("yes",)), "reason": Text(max_length=500)}


class LanguageForm(Form):
    fields = {"locale": Choice(required=True, choices=SUPPORTED_LOCALES)}
