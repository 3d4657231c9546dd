"""Staff accounts, the participant registry, consent and secret links: the lowest feature, below every other."""
