"""masto.js, the library Elk and Phanpy use, against a real madang: log in, post with a photo,
open the WebSocket stream and receive the next post live (tests/js/masto_flow.mjs)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server

JS = Path(__file__).resolve().parents[1] / "js"


def _node_command(node: str) -> list[str]:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    major = int(re.match(r"v(\d+)", version.strip()).group(1))  # type: ignore[union-attr]
    if major < 20:
        pytest.fail(f"masto.js needs Node 20 or later, found {version.strip()}")
    # Node 20 has WebSocket only behind a flag; from 22 it is a global.
    return [node, "--experimental-websocket"] if major < 22 else [node]


@pytest.fixture(scope="session")
def masto_js() -> list[str]:
    """The node command, with tests/js/node_modules installed from the lockfile if missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are needed for the masto.js test (apt-get install nodejs npm)")
    if not (JS / "node_modules" / "masto" / "package.json").exists():
        done = subprocess.run([npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"npm ci --prefix tests/js failed:\n{done.stdout}\n{done.stderr}")
    return _node_command(node)


def test_masto_js_logs_in_posts_a_photo_and_streams(database_url: str, masto_js: list[str]) -> None:
    with running_server(database_url) as base:
        app = new_app(base)
        poster, _, _ = register(base, app)
        friend, _, _ = register(base, app)
        env = dict(os.environ, MADANG_TIMEOUT_MS="60000")
        done = subprocess.run([*masto_js, str(JS / "masto_flow.mjs"), base, poster.access_token,
                               friend.access_token], capture_output=True, text=True, timeout=90, env=env, cwd=JS)
        assert done.returncode == 0, f"masto.js flow failed:\n{done.stdout}\n{done.stderr}"
        assert done.stdout.startswith("ok: "), done.stdout
        # What masto.js did is there for any other client to see.
        timeline = poster.timeline_home()
        assert any(s.media_attachments and s.media_attachments[0].description == "안양천 산책로 사진"
                   for s in timeline)
