"""Reads from a PostgreSQL streaming replica (decision 0065) and madang through pgbouncer."""
