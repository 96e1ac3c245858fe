"""Foundation that imports nothing of madang: ids, clock, errors, settings."""
