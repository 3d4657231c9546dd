"""Messages: the outbox every message passes through, its delivery and its channels."""
