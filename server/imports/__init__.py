"""Data coming in from files: participants from CSV and Excel spreadsheets."""
