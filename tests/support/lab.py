"""The TLS lab for federation tests (../shared/peers/lab/README.md, docs/decisions/0038).

Each server has its own loopback address, port 443, a host name and a certificate from a lab CA:

    gts.test       127.0.0.2   GoToSocial (../shared/peers/gotosocial/start.sh in lab mode)
    madang-a.test  127.0.0.3   madang on SQLite       (``running_lab_server``)
    madang-b.test  127.0.0.4   madang on PostgreSQL   (``running_lab_server``)

The names resolve only inside the lab's hosts file, which must be this process's /etc/hosts:
`make test` makes the lab once (MADANG_TEST_LAB=folder) and runs pytest through the lab's
``in_hosts.sh`` with ``env.sh`` sourced (SSL_CERT_FILE and REQUESTS_CA_BUNDLE = the lab CA only).
Elsewhere ``lab_available()`` says why not, and the lab tests skip with that reason.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project root
# ../shared beside the project; MADANG_TEST_SHARED when it is elsewhere (`make test SHARED=...`, a worktree).
SHARED = Path(os.environ.get("MADANG_TEST_SHARED") or ROOT.parent / "shared")
LAB_SCRIPTS = SHARED / "peers" / "lab"
GTS_PEER = SHARED / "peers" / "gotosocial"
# MADANG_TEST_LAB_NET moves the lab to other loopback addresses (`make test LAB_NET=127.0.9`), so
# two labs (a CI run beside a developer's) do not fight over the same addresses' port 443.
_NET = os.environ.get("MADANG_TEST_LAB_NET", "127.0.0")
HOSTS = {"gts.test": f"{_NET}.2", "madang-a.test": f"{_NET}.3", "madang-b.test": f"{_NET}.4"}
ENV_VAR = "MADANG_TEST_LAB"


@dataclass(frozen=True)
class Lab:
    """A folder made by make_ca.sh: the CA, a certificate and key per host, ``hosts``, ``env.sh``."""

    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def hosts(self) -> Path:
        return self.folder / "hosts"

    def cert(self, host: str) -> Path:
        return self.folder / f"{host}.pem"

    def key(self, host: str) -> Path:
        return self.folder / f"{host}.key"

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts the lab CA and nothing else; certificate and name checks on."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_lab(folder: Path) -> Lab:
    """Run make_ca.sh into ``folder`` for every lab host (the CA is reused if already there)."""
    subprocess.run([str(LAB_SCRIPTS / "make_ca.sh"), str(folder), *(f"{h}={a}" for h, a in HOSTS.items())],
                   check=True, capture_output=True, text=True)
    return Lab(folder)


@cache
def _unshare_refused() -> str | None:
    try:
        done = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare -m: {exc}"
    return None if done.returncode == 0 else f"unshare -m refused: {done.stderr.strip() or done.returncode}"


def lab_available() -> str | None:
    """Why the lab cannot run in this process, or None when it can."""
    if not (LAB_SCRIPTS / "make_ca.sh").is_file():
        return f"no lab scripts at {LAB_SCRIPTS} (the shared folder beside the project)"
    if os.geteuid() != 0:
        return "the lab needs root (port 443, unshare -m, mount --bind)"
    if reason := _unshare_refused():
        return f"{reason} (a VM or a privileged container is needed)"
    for host, address in HOSTS.items():
        try:
            found = socket.gethostbyname(host)
        except OSError:
            return (f"{host} does not resolve: the lab's hosts file is not this process's /etc/hosts "
                    f"(run the suite with `make test`, which uses ../shared/peers/lab/in_hosts.sh)")
        if found != address:
            return f"{host} resolves to {found}, not {address}: another hosts file is in force"
    return None


@cache
def current_lab() -> Lab:
    """The lab of MADANG_TEST_LAB (made by `make test`), else a fresh one in a temporary folder."""
    given = os.environ.get(ENV_VAR)
    if given and (Path(given) / "ca.pem").is_file():
        lab = Lab(Path(given))
        if all(lab.cert(h).is_file() for h in HOSTS):
            return lab
        return make_lab(Path(given))
    return make_lab(Path(tempfile.mkdtemp(prefix="madang-lab-")))


def trust_lab_ca(lab: Lab) -> None:
    """Make this process's clients trust the lab CA only, as env.sh does for `make test`. Needed only when
    the suite was started in the lab's names without env.sh; libraries read these when a client is made."""
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ[name] = str(lab.ca)
    os.environ["SSL_CERT_DIR"] = str(lab.folder / "certs")


@contextmanager
def running_lab_server(database_url: str, host_name: str, address: str, *, lab: Lab | None = None,
                       access_log: Path | None = None, **overrides: object) -> Iterator[str]:
    """A real madang (uvicorn, in a thread) as ``https://host_name`` on ``address:443`` with the lab's
    certificate; federation may reach the lab's loopback addresses. ``access_log``: a file for
    madang's access log lines (what `madang serve` writes to standard output)."""
    from madang.access_log import AccessLog
    from tests.support.server import served_in_thread
    from madang.app import create_app
    from madang.core.settings import Settings

    lab = lab or current_lab()
    settings = Settings(
        database_url=database_url, host=address, port=443, domain=host_name, scheme="https",
        federation_allowed_hosts="127.0.0.0/8", tls_cert=lab.cert(host_name), tls_key=lab.key(host_name),
        **{"worker_poll_seconds": 0.2, "gc_freeze": False, "rate_limit_per_5min": 100_000,
           "sign_ups_per_5min": 100_000, "secret_key": secrets.token_urlsafe(32), **overrides})  # type: ignore[arg-type]
    app = create_app(settings)
    log_fd = None
    if access_log is not None:
        log_fd = os.open(access_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        app = AccessLog(app, fd=log_fd)  # type: ignore[assignment]
    try:
        with served_in_thread(app, host=address, port=443, ssl_certfile=str(lab.cert(host_name)),
                              ssl_keyfile=str(lab.key(host_name))):
            yield settings.base_url
    finally:
        if log_fd is not None:
            os.close(log_fd)


def gotosocial_available() -> str | None:
    """Why GoToSocial cannot run here (on top of the lab's reasons), or None."""
    binary = GTS_PEER / "bin" / "gotosocial"
    if not (GTS_PEER / "start.sh").is_file() or not binary.is_file():
        return f"no GoToSocial binary at {binary} (the shared folder beside the project)"
    return lab_available()


@dataclass(frozen=True)
class GoToSocial:
    base: str  # https://gts.test
    tokens: dict[str, str]  # username -> access token (admin, citizen, cityhall, u0001, ...)
    work: Path
    seconds: float  # how long start.sh took

    @property
    def server_log(self) -> Path:
        return self.work / "logs" / "server.log"


def start_gotosocial(lab: Lab, work: Path, n_users: int = 2) -> GoToSocial:
    """GoToSocial as https://gts.test on 127.0.0.2:443 (start.sh, lab mode), trusting the lab CA only."""
    env = {**os.environ, "GTS_BIND": HOSTS["gts.test"], "GTS_HOST": "gts.test",
           "GTS_TLS_CERT": str(lab.cert("gts.test")), "GTS_TLS_KEY": str(lab.key("gts.test")),
           "GTS_CA_FILE": str(lab.ca), "GTS_HOSTS_FILE": str(lab.hosts),
           "GTS_CLIENT_PY": sys.executable, "N_USERS": str(n_users)}
    started = time.monotonic()
    done = subprocess.run([str(GTS_PEER / "start.sh"), str(work)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"GoToSocial did not start ({done.returncode}): {done.stderr[-3000:]}")
    tokens = dict(line.split("\t")[:2] for line in (work / "tokens.tsv").read_text().splitlines() if line)
    return GoToSocial(done.stdout.strip().splitlines()[-1], tokens, work, time.monotonic() - started)


def stop_gotosocial(gts: GoToSocial) -> None:
    subprocess.run([str(GTS_PEER / "stop.sh"), str(gts.work)], capture_output=True, check=False)


def remove_lab(lab: Lab) -> None:
    if os.environ.get(ENV_VAR) != str(lab.folder):
        shutil.rmtree(lab.folder, ignore_errors=True)
