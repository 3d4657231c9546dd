"""What Gotong tells people about their sessions and programs: reminders, cancelled or moved sessions,
announcements, the staff digest. Each module queues through server.messages; periodic ones register a job."""

from datetime import timedelta

from server.messages import jobs
from server.notices import digest

jobs.every("warning digest", timedelta(hours=1), digest.send_digests)
