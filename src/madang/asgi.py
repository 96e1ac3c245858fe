"""The ASGI entry point for uvicorn: the app built from the environment's settings."""

from madang.app import create_app

app = create_app()
