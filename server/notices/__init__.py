"""What Gotong tells people about their sessions and programs: reminders, cancelled or moved sessions,
announcements, the staff digest. Each module queues through server.messages; periodic ones register a job."""

from datetime import timedelta

from server.messages import jobs
from server.notices import digest, reminders
from server.notices import sessions as sessions

# Every process that loads notices (the app, the worker) runs the reminders and the staff digest, and hears of
# cancelled or moved sessions (importing server.notices.sessions registers its handler with the schedule).
jobs.every("session reminders", reminders.INTERVAL, reminders.queue_due_reminders)
jobs.every("warning digest", timedelta(hours=1), digest.send_digests)
