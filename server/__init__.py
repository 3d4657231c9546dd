"""Gotong: a community program and group session manager for social-welfare work."""
