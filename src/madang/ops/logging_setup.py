"""The application log of `madang serve` and `madang worker`: one line a record on standard error,
as text or as JSON (MADANG_LOG_FORMAT), each with the request id of the request (or job) it
belongs to, and scrubbed of what looks like personal data (docs/ops/logging.md, decision 0056).

Only madang's own loggers follow MADANG_LOG_LEVEL; libraries stay at WARNING whatever it says,
because their debug output carries what madang never logs (aiosqlite's debug lines, for one,
hold every statement's parameters: password hashes, e-mail addresses, 민원 texts).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Any, TextIO

from madang.core.request_context import current_request_id

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
# Loggers that pass records on to ours instead of printing them their own way (uvicorn's error
# log: start-up failures, protocol errors) so that every line has one format.
ADOPTED = ("uvicorn", "uvicorn.error")
_HANDLER_NAME = "madang.ops.logging"

# What must never reach a log line, whatever a message says. A safety net behind the rule that
# log messages name records by id, not by their contents.
_EMAIL = re.compile(r"(?<![@\w.%+-])(?<!acct:)(?!acct%3[Aa])[\w.%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(r"(?<![\d.])(?:01[016789]|02|0[3-6][1-5])[- .]?\d{3,4}[- .]?\d{4}(?![\d.])")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;]+")
_SECRET_VALUE = re.compile(r"(?i)\b([\w-]*(?:token|password|passwd|secret|api_key|apikey|session|cookie|otp))"
                           r"(\"?\s*[=:]\s*\"?)[^\s&\"',;]+")
_SECRET_PATH = re.compile(r"(/auth/(?:password|confirm)/|/desk/g/[^/\s]+/)[^/\s\"'?#]+")


def scrub(text: str) -> str:
    """``text`` with e-mail addresses (not ``acct:`` handles, which are public), phone numbers, credentials and credential links replaced."""
    if "@" in text or "%40" in text:
        text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    text = _BEARER.sub(lambda m: f"{m[1]} [FILTERED]", text)
    text = _SECRET_VALUE.sub(lambda m: f"{m[1]}{m[2]}[FILTERED]", text)
    if "/auth/" in text or "/desk/g/" in text:
        text = _SECRET_PATH.sub(r"\1[FILTERED]", text)
    return text


def iso_time(seconds: float) -> str:
    """Local time with milliseconds and the UTC offset: 2026-12-07T09:30:00.123+09:00."""
    local = time.localtime(seconds)
    offset = time.strftime("%z", local)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', local)}.{int(seconds % 1 * 1000):03d}{offset[:3]}:{offset[3:]}"


class RequestIdFilter(logging.Filter):
    """Gives each record the current request id (None outside requests and jobs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


# Attributes every LogRecord has; anything else on a record came through ``extra=`` and is logged.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class TextFormatter(logging.Formatter):
    """``2026-12-07T09:30:00.123+09:00 WARNING madang.mail [5f0c…] message key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        extras = _extras(record)
        if extras:
            text += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + record.exc_text
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        rid = getattr(record, "request_id", None) or "-"
        return scrub(f"{iso_time(record.created)} {record.levelname} {record.name} [{rid}] {text}")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, what ``extra=`` gave,
    and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        import orjson

        entry: dict[str, Any] = {"time": iso_time(record.created), "level": record.levelname,
                                 "logger": record.name, "message": scrub(record.getMessage()),
                                 "request_id": getattr(record, "request_id", None)}
        for key, value in _extras(record).items():
            entry[key] = value if isinstance(value, int | float | bool | type(None)) else scrub(str(value))
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        return orjson.dumps(entry).decode()


def setup_logging(level: str = "info", fmt: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """Route every log record of the process through one handler on ``stream`` (standard error).
    Safe to call again (the previous handler is replaced)."""
    level, fmt = level.lower(), fmt.lower()
    if level not in LEVELS or fmt not in FORMATS:
        raise ValueError(f"log level must be one of {LEVELS} and format one of {FORMATS}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)  # libraries: warnings and errors only
    logging.getLogger("madang").setLevel(level.upper())
    for name in ADOPTED:
        adopted = logging.getLogger(name)
        adopted.handlers.clear()
        adopted.propagate = True
    return handler
