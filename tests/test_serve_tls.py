"""`madang serve` serves TLS itself when MADANG_TLS_CERT and MADANG_TLS_KEY name a PEM certificate and
key (the federation lab, docs/decisions/0038): a subprocess as an operator starts it, with a certificate
from a lab CA (../shared/peers/lab/make_ca.sh), checked by a client that trusts that CA only."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.lab import LAB_SCRIPTS
from tests.support.pgserver import free_port
from tests.support.serve_process import stop

pytestmark = pytest.mark.slow
MADANG = str(Path(sys.executable).with_name("madang"))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lab CA and a certificate for localhost / 127.0.0.1 (no hosts file needed)."""
    if not (LAB_SCRIPTS / "make_ca.sh").is_file():
        pytest.skip(f"no lab scripts at {LAB_SCRIPTS} (the shared folder beside the project)")
    if not shutil.which("openssl") and os.geteuid() != 0:
        pytest.skip("make_ca.sh needs the openssl command")
    folder = tmp_path_factory.mktemp("serve-tls")
    subprocess.run([str(LAB_SCRIPTS / "make_ca.sh"), str(folder), "localhost=127.0.0.1"],
                   check=True, capture_output=True)
    return folder


def _environment(sqlite_template: Path, folder: Path, **env: str) -> dict[str, str]:
    database = folder / "serve.sqlite3"
    shutil.copyfile(sqlite_template, database)
    return {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "MADANG_HOST": "127.0.0.1",
            "MADANG_MEDIA_PATH": str(folder / "media"), "MADANG_EMBEDDED_WORKER": "false",
            "MADANG_SECRET_KEY": "serve-tls-test-key-0123456789abcdef", "COLUMNS": "200", **env}


def test_serve_answers_https_with_the_certificate_and_refuses_plain_http(
        certificate: Path, sqlite_template: Path, tmp_path: Path) -> None:
    port = free_port()
    env = _environment(sqlite_template, tmp_path, MADANG_PORT=str(port),
                       MADANG_TLS_CERT=str(certificate / "localhost.pem"),
                       MADANG_TLS_KEY=str(certificate / "localhost.key"))
    lab_only = ssl.create_default_context(cafile=str(certificate / "ca.pem"))
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([MADANG, "serve"], env=env, stdout=stdout, stderr=stderr, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    health = httpx.get(f"https://127.0.0.1:{port}/health", verify=lab_only, trust_env=False, timeout=2)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"madang serve did not start over TLS: "
                                             f"{out.read_text()}{err.read_text()}") from None
                    time.sleep(0.1)
            assert health.status_code == 200
            page = httpx.get(f"https://localhost:{port}/api/v1/instance", verify=lab_only, trust_env=False, timeout=10)
            assert page.status_code == 200
            # Plain HTTP on the same port gets no answer: the server speaks TLS only.
            with pytest.raises(httpx.TransportError):
                httpx.get(f"http://127.0.0.1:{port}/health", trust_env=False, timeout=5)
            # A client that does not trust the lab CA refuses the certificate: checks stay on.
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                httpx.get(f"https://127.0.0.1:{port}/health", verify=True, trust_env=False, timeout=5)
        finally:
            stop(process)
    assert f"https://127.0.0.1:{port}" in out.read_text()


def test_serve_refuses_to_start_with_half_a_tls_setting(certificate: Path, sqlite_template: Path, tmp_path: Path) -> None:
    env = _environment(sqlite_template, tmp_path, MADANG_PORT=str(free_port()),
                       MADANG_TLS_CERT=str(certificate / "localhost.pem"))
    done = subprocess.run([MADANG, "serve"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "MADANG_TLS_KEY" in done.stdout and "https://" not in done.stdout
