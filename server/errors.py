"""Domain errors: a rule said no. Each carries a stable code, an untranslated message and the field it concerns."""

from __future__ import annotations

from server.i18n import N_, gettext


class DomainError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message  # an msgid marked with N_; translated when shown
        self.field = field
        self.params = params

    @property
    def status(self) -> int:
        """The HTTP status a page answers with: 400 when the input was wrong (the error names a field), 409 when
        a rule refuses an otherwise valid request (full, closed, already answered)."""
        return 400 if self.field else 409

    def translated(self) -> str:
        return gettext(self.message, **self.params)


class NotFound(DomainError):
    def __init__(self, what: str = "object") -> None:
        super().__init__("not_found", N_("Not found."))
        self.what = what


class Forbidden(DomainError):
    def __init__(self) -> None:
        super().__init__("forbidden", N_("You may not do this."))


class Moved(DomainError):
    """What was asked for now lives under another name: `old` in the request path is to become `new`.
    Only staff pages raise it; public pages answer a plain 404 for an old name."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__("moved", N_("Moved."))
        self.old = old
        self.new = new
