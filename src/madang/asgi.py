"""The ASGI entry point for uvicorn: the app built from the environment's settings, with the
access log in front of it unless MADANG_ACCESS_LOG=false (madang.access_log)."""

from madang.access_log import with_access_log
from madang.app import create_app
from madang.core.settings import Settings
from madang.ops.logging_setup import setup_logging

settings = Settings()
setup_logging(settings.log_level, settings.log_format)  # MADANG_LOG_LEVEL, MADANG_LOG_FORMAT (docs/ops/logging.md)
app = with_access_log(create_app(settings), settings.access_log, json=settings.log_format.lower() == "json")
