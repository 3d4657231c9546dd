"""Evaluation reports, the dashboard, data checks and exports."""
