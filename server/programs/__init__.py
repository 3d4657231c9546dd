"""Programs, goals, milestones, partners, teams and phases."""
