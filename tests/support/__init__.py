"""Test support: real servers (PostgreSQL, madang) on loopback, and small factories."""
