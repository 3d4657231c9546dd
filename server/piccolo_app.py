"""The one Piccolo app: every feature's tables, one migration history in the top-level migrations/."""

from piccolo.conf.apps import AppConfig, table_finder

from server.config import ROOT

FEATURE_TABLE_MODULES = [
    "server.audit",
    "server.organisation.tables",
    "server.web.tables",
    "server.people.tables",
    "server.messages.tables",
    "server.programs.tables",
    "server.schedule.tables",
    "server.enrolment.tables",
    "server.attendance.tables",
    "server.surveys.tables",
    "server.notices.tables",
    "server.cases.tables",
    "server.cases.plan_tables",
    "server.cases.followup_tables",
    "server.cases.referral_tables",
    "server.reports.tables",
    "server.reports.checks_tables",
    "server.api.tables",
]

APP_CONFIG = AppConfig(
    app_name="gotong",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=table_finder(modules=FEATURE_TABLE_MODULES, exclude_imported=True),
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
    commands=[],
)
