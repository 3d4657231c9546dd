"""Attendance sheets, rates, early warning, registers and certificates."""
