"""The ASGI entry point for uvicorn: the app built from the environment's settings, with the
access log in front of it unless MADANG_ACCESS_LOG=false (madang.access_log)."""

from madang.access_log import with_access_log
from madang.app import create_app
from madang.core.settings import Settings

settings = Settings()
app = with_access_log(create_app(settings), settings.access_log)
