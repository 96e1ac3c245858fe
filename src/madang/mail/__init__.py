"""E-mail: messages queued as jobs in the same transaction, sent over SMTP (or written to the log)."""

from madang.mail.config import MailConfig, MailNotConfigured, attach
from madang.mail.sending import SEND_JOB, send_mail

__all__ = ["SEND_JOB", "MailConfig", "MailNotConfigured", "attach", "send_mail"]
