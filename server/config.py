"""Settings read from the environment, with safe development defaults."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-secret-change-me-0123456789abcdef"
SUPPORTED_LOCALES = ("id", "en")


class ConfigError(RuntimeError):
    """The settings would make the server unsafe or unable to start."""


def _default_database_url() -> str:
    return f"sqlite:///{ROOT / 'data' / 'gotong.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEFAULT_SECRET
    database_url: str = field(default_factory=_default_database_url)
    default_locale: str = "id"
    default_timezone: str = "Asia/Jakarta"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    login_attempts_per_minute: int = 10
    # Failed sign-ins one account may have within the window, from whatever addresses, before it must wait.
    login_failures_per_account: int = 10
    login_failure_window_minutes: int = 15
    # Reverse proxies (IPs or CIDRs) whose X-Forwarded-For / X-Forwarded-Proto are believed; empty: nobody's.
    trusted_proxies: tuple[str, ...] = ()
    session_max_age: int = 14 * 24 * 3600
    attendance_lock_days: int = 7
    absence_warning_streak: int = 2
    # How long a worker reuses a feed's computed version before asking the database again.
    feed_cache_seconds: float = 10.0
    db_pool: bool = True  # PostgreSQL connection pool per worker
    # Survey results (and exports) of a group of fewer responses than this are never shown: a small group's
    # answers identify the people in it. The consent text respondents read quotes this number.
    min_group_size: int = 5
    # The largest organisation logo an admin may upload, in bytes.
    logo_max_bytes: int = 512 * 1024
    # The largest spreadsheet of participants an organizer may import (CSV or .xlsx), in bytes.
    import_max_bytes: int = 5 * 1024 * 1024
    # Outgoing e-mail: smtp://user:pass@host:port, smtps://… (implicit TLS) or ?starttls=1; empty: messages stay
    # queued in the outbox, where an admin can read them (/admin/outbox).
    smtp_url: str = ""
    mail_from: str = ""
    # `serve` runs one delivery loop in each of its processes; off when separate `worker` processes deliver.
    delivery_in_process: bool = True
    # SMS/WhatsApp: a JSON POST per message to the organisation's own gateway (docs/deployment.md); empty: text
    # messages stay queued. The token, when set, is sent as `Authorization: Bearer …`.
    sms_webhook_url: str = ""
    sms_webhook_token: str = ""
    # Non-urgent messages queued in these hours (the program's timezone) wait until they end; empty: no quiet hours.
    quiet_hours: str = "21:00-07:00"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    def problems(self) -> list[str]:
        """What makes these settings unfit to serve with; empty when fine."""
        found = []
        if self.production and self.secret_key == DEFAULT_SECRET:
            found.append("GOTONG_SECRET_KEY is the development default; set a long random value in production.")
        if self.production and len(self.secret_key) < 32:
            found.append("GOTONG_SECRET_KEY must be at least 32 characters in production.")
        if self.default_locale not in SUPPORTED_LOCALES:
            found.append(f"GOTONG_DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}.")
        if self.min_group_size < 1:
            found.append("GOTONG_MIN_GROUP_SIZE must be at least 1.")
        if not self.database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
            found.append("DATABASE_URL must start with sqlite:/// or postgresql://.")
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                found.append(
                    f"GOTONG_TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)."
                )
        if self.login_failures_per_account < 1 or self.login_failure_window_minutes < 1:
            found.append(
                "GOTONG_LOGIN_FAILURES_PER_ACCOUNT and GOTONG_LOGIN_FAILURE_WINDOW_MINUTES must be at least 1."
            )
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            found.append("GOTONG_SMTP_URL must start with smtp:// or smtps://.")
        if self.smtp_url and "@" not in self.mail_from:
            found.append("GOTONG_MAIL_FROM must be an e-mail address when GOTONG_SMTP_URL is set.")
        if self.sms_webhook_url and not self.sms_webhook_url.startswith(("http://", "https://")):
            found.append("GOTONG_SMS_WEBHOOK_URL must start with http:// or https://.")
        if self.quiet_hours and parse_quiet_hours(self.quiet_hours) is None:
            found.append("GOTONG_QUIET_HOURS must look like 21:00-07:00 (or be empty for none).")
        return found


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """(start, end) of "21:00-07:00"; None when the text is not two times of day."""
    start, _, end = text.partition("-")
    try:
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        return None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    host = env.get("HOST", "127.0.0.1")
    port = int(env.get("PORT", "8000"))
    return Settings(
        env=env.get("GOTONG_ENV", "development"),
        secret_key=env.get("GOTONG_SECRET_KEY", DEFAULT_SECRET),
        database_url=env.get("DATABASE_URL") or _default_database_url(),
        default_locale=env.get("GOTONG_DEFAULT_LOCALE", "id"),
        default_timezone=env.get("GOTONG_DEFAULT_TIMEZONE", "Asia/Jakarta"),
        host=host,
        port=port,
        base_url=env.get("GOTONG_BASE_URL", f"http://{host}:{port}").rstrip("/"),
        login_attempts_per_minute=int(env.get("GOTONG_LOGIN_ATTEMPTS_PER_MINUTE", "10")),
        login_failures_per_account=int(env.get("GOTONG_LOGIN_FAILURES_PER_ACCOUNT", "10")),
        login_failure_window_minutes=int(env.get("GOTONG_LOGIN_FAILURE_WINDOW_MINUTES", "15")),
        trusted_proxies=tuple(
            entry.strip() for entry in env.get("GOTONG_TRUSTED_PROXIES", "").split(",") if entry.strip()
        ),
        feed_cache_seconds=float(env.get("GOTONG_FEED_CACHE_SECONDS", "10")),
        db_pool=env.get("GOTONG_DB_POOL", "1") != "0",
        min_group_size=int(env.get("GOTONG_MIN_GROUP_SIZE", "5")),
        logo_max_bytes=int(env.get("GOTONG_LOGO_MAX_BYTES", str(512 * 1024))),
        import_max_bytes=int(env.get("GOTONG_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))),
        smtp_url=env.get("GOTONG_SMTP_URL", ""),
        mail_from=env.get("GOTONG_MAIL_FROM", ""),
        delivery_in_process=env.get("GOTONG_DELIVERY_IN_PROCESS", "1") != "0",
        sms_webhook_url=env.get("GOTONG_SMS_WEBHOOK_URL", ""),
        sms_webhook_token=env.get("GOTONG_SMS_WEBHOOK_TOKEN", ""),
        quiet_hours=env.get("GOTONG_QUIET_HOURS", "21:00-07:00").strip(),
    )


settings = load_settings()
