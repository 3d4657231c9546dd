"""Reading and saving the organisation's settings; the logo's checks; the snapshot a request reads them from."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server import clock
from server.audit import Actor, record_audit
from server.config import SUPPORTED_LOCALES, settings
from server.db import raw, transaction
from server.errors import DomainError
from server.i18n import N_
from server.organisation.tables import OrganisationSettings

PRODUCT_NAME = "Gotong"
# Only raster images: an SVG can carry scripts and external references, and sanitising it is a project of its own.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
# The fields a form may set; everything but the logo.
EDITABLE = (
    "name",
    "short_name",
    "email",
    "phone",
    "address",
    "default_locale",
    "default_timezone",
    "absence_warning_streak",
    "offer_hours",
)
MAX_OFFER_HOURS = 24 * 30


@dataclass(frozen=True)
class Organisation:
    """The settings in force: the stored value where there is one, else the server's setting."""

    name: str = ""
    short_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    default_locale: str = settings.default_locale
    default_timezone: str = settings.default_timezone
    absence_warning_streak: int = settings.absence_warning_streak
    # Hours a freed place is offered before it passes on, for programs that set none; None: enrol at once.
    offer_hours: int | None = None
    logo_type: str = ""
    logo_version: int = 0

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_type)

    @property
    def display_name(self) -> str:
        return self.name or PRODUCT_NAME

    @property
    def calendar_name(self) -> str:
        """A calendar app's name for the public feed: the product, then whose programs these are."""
        return f"{PRODUCT_NAME} — {self.name}" if self.name else PRODUCT_NAME

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.address)


# The snapshot one request (or one task) reads: set by `load()`, which the identity middleware calls for every page.
# Code below an async service that cannot await (a property, a template) reads `current()`.
_active: ContextVar[Organisation] = ContextVar("gotong_organisation", default=Organisation())  # noqa: B039 (frozen)

_SNAPSHOT_COLUMNS = [getattr(OrganisationSettings, name) for name in EDITABLE] + [
    OrganisationSettings.logo_type,
    OrganisationSettings.logo_version,
]


def current() -> Organisation:
    return _active.get()


def _snapshot(row: dict[str, Any] | None) -> Organisation:
    if row is None:
        return Organisation()
    chosen = {
        "default_locale": row["default_locale"] if row["default_locale"] in SUPPORTED_LOCALES else None,
        "default_timezone": row["default_timezone"] or None,
        "absence_warning_streak": row["absence_warning_streak"],
    }
    values = {key: value for key, value in chosen.items() if value is not None}
    offer = row["offer_hours"]
    return Organisation(
        name=row["name"],
        short_name=row["short_name"],
        email=row["email"],
        phone=row["phone"],
        address=row["address"],
        offer_hours=offer if offer and offer > 0 else None,
        logo_type=row["logo_type"],
        logo_version=row["logo_version"],
        **values,
    )


async def stored_settings() -> dict[str, Any]:
    """What is stored, as the settings form shows it (empty where the server's setting applies)."""
    row = await OrganisationSettings.select(*_SNAPSHOT_COLUMNS).first().run()
    return dict(row) if row else {name: None for name in EDITABLE}


# Every request reads the settings: in SQL, which the ORM took longer to build than the engine to run.
_SNAPSHOT_SQL = (
    "SELECT "
    + ", ".join(f'"{column._meta.db_column_name}" AS "{column._meta.name}"' for column in _SNAPSHOT_COLUMNS)
    + f' FROM "{OrganisationSettings._meta.tablename}" LIMIT 1'
)


async def load() -> Organisation:
    """Reads the settings (one small row, without the logo's bytes) and makes them this task's `current()`."""
    rows = await raw(_SNAPSHOT_SQL)
    row = rows[0] if rows else None
    snapshot = _snapshot(row)
    _active.set(snapshot)
    clock.use_organisation_timezone(snapshot.default_timezone)
    return snapshot


def check_logo(data: bytes) -> str:
    """The logo's content type, or a field error: a PNG or JPEG (told by its first bytes, not its name) within
    the size limit."""
    if not data:
        raise DomainError("logo_empty", N_("The file is empty."), field="logo")
    if len(data) > settings.logo_max_bytes:
        raise DomainError(
            "logo_too_large",
            N_("The logo may be at most %(kb)s KB."),
            field="logo",
            kb=settings.logo_max_bytes // 1024,
        )
    for magic, content_type in LOGO_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise DomainError("logo_type", N_("The logo must be a PNG or JPEG image."), field="logo")


def _check_values(values: dict[str, Any]) -> None:
    if values.get("default_locale") and values["default_locale"] not in SUPPORTED_LOCALES:
        raise DomainError("locale", N_("Choose one of the languages offered."), field="default_locale")
    if values.get("default_timezone"):
        try:
            ZoneInfo(values["default_timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainError("timezone", N_("Unknown time zone."), field="default_timezone") from None
    streak = values.get("absence_warning_streak")
    if streak is not None and not 1 <= streak <= 52:
        raise DomainError("streak", N_("Choose a number from 1 to 52."), field="absence_warning_streak")
    hours = values.get("offer_hours")
    if hours is not None and not 0 <= hours <= MAX_OFFER_HOURS:
        raise DomainError("offer_hours", N_("Choose a number of hours from 0 to 720."), field="offer_hours")


LogoChange = bytes | Literal["remove"] | None


async def save_organisation(actor: Actor, values: dict[str, Any], logo: LogoChange = None) -> Organisation:
    """Saves the settings in one transaction (all of them or, when any is refused, none) and audits which ones
    changed. `logo`: new image bytes, "remove", or None to keep the one there is."""
    values = {key: values.get(key) for key in EDITABLE}
    for key in ("name", "short_name", "email", "phone", "address", "default_locale", "default_timezone"):
        values[key] = (values[key] or "").strip()
    _check_values(values)
    updates: dict[Any, Any] = {getattr(OrganisationSettings, key): value for key, value in values.items()}
    if isinstance(logo, bytes):
        updates[OrganisationSettings.logo_type] = check_logo(logo)
        updates[OrganisationSettings.logo] = logo
    elif logo == "remove":
        updates[OrganisationSettings.logo_type] = ""
        updates[OrganisationSettings.logo] = None
    updates[OrganisationSettings.updated_at] = clock.now()
    async with transaction():
        before = await OrganisationSettings.select(*_SNAPSHOT_COLUMNS, OrganisationSettings.id).first().run()
        if before is None:
            await OrganisationSettings.insert(OrganisationSettings()).run()
            before = await OrganisationSettings.select(*_SNAPSHOT_COLUMNS, OrganisationSettings.id).first().run()
            assert before is not None  # inserted a moment ago, in this transaction
        if logo is not None:
            updates[OrganisationSettings.logo_version] = before["logo_version"] + 1
        await OrganisationSettings.update(updates).where(OrganisationSettings.id == before["id"]).run()
        changed = sorted(key for key in EDITABLE if before[key] != values[key])
        if logo is not None:
            changed.append("logo")
        await record_audit(
            actor,
            "update",
            "organisation",
            before["id"],
            N_("Organisation settings changed: %(fields)s"),
            fields=", ".join(changed) or "-",
        )
    return await load()


async def logo_image() -> tuple[bytes, str, int] | None:
    """The stored logo: its bytes, content type and version; None when there is none."""
    row = (
        await OrganisationSettings.select(
            OrganisationSettings.logo, OrganisationSettings.logo_type, OrganisationSettings.logo_version
        )
        .first()
        .run()
    )
    if row is None or not row["logo"] or not row["logo_type"]:
        return None
    return bytes(row["logo"]), row["logo_type"], row["logo_version"]
