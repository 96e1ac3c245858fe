"""Resident memory each big dependency adds when imported (in the order `madang serve` needs
them), then the app itself: where the idle footprint of a process comes from.

    .venv/bin/python bench/import_memory.py
"""

from __future__ import annotations

import importlib


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:",)):
                return int(line.split()[1]) / 1024
    return 0.0


MODULES = ["asyncio", "uvloop", "httptools", "pydantic", "pydantic_settings", "sqlalchemy", "sqlalchemy.orm",
           "sqlalchemy.ext.asyncio", "aiosqlite", "starlette.applications", "fastapi", "uvicorn", "typer", "rich.console",
           "argon2", "regex", "nh3", "jinja2", "orjson", "alembic.command", "madang.cli", "madang.asgi"]

if __name__ == "__main__":
    start = before = rss_mib()
    print(f"{before:7.1f} MiB  python itself")
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError as e:
            print(f"          {name}: not importable ({e})")
            continue
        now = rss_mib()
        print(f"{now:7.1f} MiB  +{now - before:5.1f}  {name}")
        before = now
    import sys

    print(f"total {before:.1f} MiB RSS after imports ({before - start:.1f} MiB added); "
          f"alembic loaded: {'alembic' in sys.modules and any(m.startswith('alembic') for m in sys.modules)}")
