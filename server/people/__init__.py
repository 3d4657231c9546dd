"""Staff, participants, consent and the audit log."""
