"""E-mail: messages queued as jobs in the same transaction, sent over SMTP (or written to the log)."""
