"""What staff pages call a message: a translated label per template name (its kind), per status and per channel."""

from __future__ import annotations

from server.i18n import N_
from server.web.labels import LABELS

# One label per template in templates/messages/; a template without one is shown by its file name.
KINDS = {
    "registration_received": N_("Registration received"),
    "waitlist_position": N_("Waitlist position"),
    "place_offered": N_("Place offered"),
    "place_promoted": N_("Place from the waitlist"),
    "approval_needed": N_("Registration awaiting approval"),
    "link_reissued": N_("Personal link reissued"),
    "session_reminder": N_("Session reminder"),
    "session_cancelled": N_("Session cancelled"),
    "session_moved": N_("Session moved"),
    "session_restored": N_("Session restored"),
    "schedule_changed": N_("Schedule changed"),
    "announcement": N_("Announcement"),
    "survey_invitation": N_("Survey invitation"),
    "survey_reminder": N_("Survey reminder"),
    "followup_invitation": N_("Follow-up survey invitation"),
    "password_reset": N_("Password reset"),
    "warning_digest": N_("Early-warning digest"),
    "referral_sent": N_("Referral"),
}
STATUSES = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}
# The statuses staff filter the outbox by (`sending` lasts a moment).
FILTERS = ("queued", "sent", "failed", "cancelled")
CHANNELS = {"email": N_("E-mail"), "sms": N_("SMS/WhatsApp")}

LABELS.register("message_kind", KINDS)
LABELS.register("message_status", STATUSES)
LABELS.register("message_channel", CHANNELS)
