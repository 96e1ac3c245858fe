"""deploy/check.py loaded as a module (deploy/ is not a package), and a real nginx running the
example site (deploy/nginx/madang.conf, adapted to loopback ports by check.render_nginx)."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]


def check_module() -> ModuleType:
    if "madang_deploy_check" in sys.modules:
        return sys.modules["madang_deploy_check"]
    spec = importlib.util.spec_from_file_location("madang_deploy_check", REPO / "deploy" / "check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@dataclass
class Nginx:
    https: str
    folder: Path


@contextmanager
def nginx_in_front(folder: Path, upstream: str, timeout: float = 30) -> Iterator[Nginx]:
    check = check_module()
    https_port, http_port = check.free_port(), check.free_port()
    main = check.render_nginx(folder, https_port=https_port, http_port=http_port, upstream=upstream)
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen(check.nginx_command(main), stdout=log, stderr=log, cwd=folder)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: " + (folder / "error.log").read_text()[-2000:]) from None
                time.sleep(0.1)
        yield Nginx(f"https://127.0.0.1:{https_port}", folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def have_nginx() -> bool:
    return shutil.which("nginx") is not None
