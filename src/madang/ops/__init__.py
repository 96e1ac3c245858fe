"""Operating an instance: backups, logs, checks, health and readiness probes, Prometheus metrics (issue 16)."""
