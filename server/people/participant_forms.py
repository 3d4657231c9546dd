"""Input parsing for participants, consent and the audit log filter."""

from server.config import SUPPORTED_LOCALES
from server.people.consent import PURPOSES
from server.people.participants import contact_consent_refusals
from server.web.forms import Checkbox, Choice, Email, Form, Id, LongText, Phone, Text


class ParticipantForm(Form):
    fields = {
        "display_name": Text(required=True, max_length=120),
        "legal_name": Text(max_length=200),
        "phone": Phone(),
        "email": Email(),
        "preferred_locale": Choice(required=True, choices=SUPPORTED_LOCALES),
        "notes": LongText(max_length=5000),
        "consent_participation": Checkbox(),
        "consent_data_collection": Checkbox(),
        "consent_contact": Checkbox(),
        "confirm_not_duplicate": Checkbox(),
    }


class ParticipantNewForm(ParticipantForm):
    """A new person's record with the consents given now: contact details are refused without consent to be
    contacted (checked again when it is saved), in the same round as the fields' own errors."""

    def clean(self) -> None:
        for refusal in contact_consent_refusals(self.cleaned, bool(self.cleaned.get("consent_contact"))):
            self.refuse(refusal)


class ConsentForm(Form):
    fields = {
        "purpose": Choice(required=True, choices=PURPOSES),
        "action": Choice(required=True, choices=("give", "withdraw")),
        # Withdrawing consent to be contacted erases the phone and e-mail: asked on a confirmation page first.
        "confirm": Choice(choices=("yes",)),
    }


class EraseForm(Form):
    fields = {"confirm_name": Text(required=True, max_length=120)}


class AuditFilter(Form):
    fields = {
        "action": Text(max_length=40),
        "subject_type": Text(max_length=40),
        "subject_id": Id(),
    }
