"""What a fresh `madang serve` process loads before its first request (issue 14: idle memory of
<= 120 MB; bench/idle_memory.py measures it). The staff's pages and libraries few requests need
are loaded at first use; a change that imports them at startup again fails here, and the pages
they serve still answer (tests/web), loaded by their first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Modules the served app must not have loaded at startup, and why each stays out.
LAZY = {
    "cryptography": "two-factor secrets and RSA keys: at first use (~6 MB)",
    "segno": "the two-factor QR code: on its settings page (~1.5 MB)",
    "xml.etree.ElementTree": "Open311's XML replies: at the first one",
    "madang.web.routes.office_home": "the office's pages: at the first /office request",
    "madang.web.routes.office_analytics": "the office's pages: at the first /office request",
    "madang.web.routes.desk_settings": "the desk's pages: at the first /desk request",
    "madang.web.routes.admin_reports": "the admin pages: at the first /admin request",
    "mecab": "the Korean analyser (~20 MB with its dictionary): at the first post or search",
    "_mecab": "the Korean analyser's C part: at the first post or search",
}

PROBE = """
import json, sys
import madang.asgi
print(json.dumps(sorted(sys.modules)))
"""


def test_the_served_app_loads_only_what_its_first_requests_need(tmp_path) -> None:
    env = {"MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'probe.sqlite3'}",
           "MADANG_SECRET_KEY": "x" * 40, "PATH": "/usr/bin:/bin",
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "madang.app" in loaded  # the probe did build the app
    early = {name: why for name, why in LAZY.items() if name in loaded}
    assert not early, f"loaded at startup: {early}"
