"""Click-to-chat for staff: a WhatsApp link to a participant's phone, with a short message in their language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server import phones
from server.i18n import gettext as _
from server.i18n import use_locale


@dataclass(frozen=True)
class Chat:
    """What the staff page shows next to the phone: a link, or a short note why there is none (empty: nothing)."""

    url: str = ""
    note: str = ""


def chat_link(
    person: Mapping[str, Any], *, may_see_contact: bool, consents_to_contact: bool, personal_link: str = ""
) -> Chat:
    """A wa.me link for a staff member who may see the person's phone (the privacy policy's CONTACT cell) and only
    while the person consents to be contacted. The message names no program and no organisation: it is read on
    a phone others may pick up, and a discreet program must not appear in it. The personal link exists in plain
    text only on the page that has just made it, so only that page can offer to send it."""
    if not may_see_contact or not person.get("phone") or person.get("anonymised_at"):
        return Chat()
    if not consents_to_contact:
        return Chat(note=_("No WhatsApp link: the person has not consented to be contacted."))
    number = phones.e164(person["phone"])
    if not number:
        return Chat(note=_("No WhatsApp link: this is not a phone number WhatsApp can reach."))
    # The message is for the person: in their language, whatever the staff member reads.
    with use_locale(person.get("preferred_locale") or ""):
        if personal_link:
            text = _(
                "Hello %(name)s, this is your personal link. It works without a password; keep it to yourself: "
                "%(link)s",
                name=person["display_name"],
                link=personal_link,
            )
        else:
            text = _("Hello %(name)s,", name=person["display_name"])
    return Chat(url=phones.whatsapp_link(number, text))
