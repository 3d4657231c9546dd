"""What Gotong tells people about their sessions and programs: reminders, cancelled or moved sessions,
announcements, the staff digest. Each module queues through server.messages; periodic ones register a job."""
