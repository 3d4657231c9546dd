"""Phone numbers: read as Indonesian unless written with a country code, kept as typed, E.164 for links."""

from __future__ import annotations

from urllib.parse import quote

import phonenumbers

# A number written without a country code is Indonesian: 0812…, and also 62812… (the country code without "+").
DEFAULT_REGION = "ID"


def parse(text: str) -> phonenumbers.PhoneNumber | None:
    """The number a person wrote, or None when no numbering plan has such a number (wrong length or prefix)."""
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def is_valid(text: str) -> bool:
    return parse(text) is not None


def e164(text: str) -> str:
    """+6281234567890 for 0812 3456 7890, 62812-3456-7890 or +62 812 3456 7890; "" for a number that cannot be."""
    number = parse(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def comparable_digits(text: str) -> str:
    """Digits that are equal for every way of writing one phone, for spotting duplicates. Indonesian numbers keep
    their national form (0812…), as stored before numbers were parsed, so that older rows still match."""
    number = parse(text)
    if number is None:
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        return digits[:20]
    if number.country_code == 62:
        return f"0{number.national_number}"[:20]
    return f"{number.country_code}{number.national_number}"[:20]


def whatsapp_link(number_e164: str, text: str = "") -> str:
    """A click-to-chat address (wa.me wants the international number as digits only), with a prefilled message."""
    link = "https://wa.me/" + number_e164.lstrip("+")
    return f"{link}?text={quote(text, safe='')}" if text else link
