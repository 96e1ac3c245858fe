"""Operating an instance: logs, checks, health and readiness probes, Prometheus metrics (issue 16)."""
