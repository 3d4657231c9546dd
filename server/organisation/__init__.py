"""The organisation's own settings (name, logo, contact, defaults), read by many features: a kernel-ish package
just below the web layer; its admin page lives in the people feature (server/people/organisation_routes.py)."""
