"""Shared HTTP glue: rendering, guards, forms, i18n, sessions and error pages."""
