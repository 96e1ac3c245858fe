"""deploy/check.py as the suite runs it: the examples agree with madang's settings, CLI and
routes; nginx, Caddy and systemd accept them; the Dockerfile's steps, done in a temporary folder,
give a madang that migrates, serves and answers /health (there is no Docker here)."""

from __future__ import annotations

import shutil
import subprocess
import sys


from tests.ops.deploy.proxy import REPO

CHECK = str(REPO / "deploy" / "check.py")


def run(what: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, CHECK, what], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def test_examples_agree_with_madang() -> None:
    done = run("static", 120)
    assert done.returncode == 0, done.stderr


def test_nginx_caddy_and_systemd_accept_the_examples() -> None:
    done = run("proxies", 120)
    assert done.returncode == 0, done.stderr
    for tool, line in (("nginx", "nginx -t: the site is valid"), ("caddy", "caddy validate: the Caddyfile is valid"),
                       ("systemd-analyze", "systemd-analyze verify: both units are valid")):
        if shutil.which(tool):
            assert line in done.stdout


def test_the_dockerfile_steps_build_a_madang_that_serves() -> None:
    done = run("build", 1500)
    assert done.returncode == 0, done.stderr + done.stdout[-3000:]
    assert "answered /health and /ready; HEALTHCHECK passed" in done.stdout
