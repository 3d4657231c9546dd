"""Pages that compose several features: the personal page, the dashboard, home, participant pages."""
