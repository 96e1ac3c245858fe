"""Operating an instance: logs, checks and what else a city's IT department runs (issue 16)."""
