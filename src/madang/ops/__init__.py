"""Running madang in production: health and readiness probes, Prometheus metrics."""
