"""Operating an instance: backups and restores (domain-free; the CLI calls it)."""
