#!/usr/bin/env python3
"""Checks the deployment examples in deploy/ with what runs on a machine without Docker (the
test suite runs it: tests/ops/deploy). Run it with the project's Python (madang importable):

    .venv/bin/python deploy/check.py static    # names, commands, ports, paths agree with madang
    .venv/bin/python deploy/check.py build     # the Dockerfile's steps in a temporary folder, then /health
    .venv/bin/python deploy/check.py proxies   # nginx -t, caddy validate, systemd-analyze verify
    .venv/bin/python deploy/check.py all

static: every MADANG_* name in the units, env files, Dockerfile and compose file is a setting
(src/madang/core/settings.py); every `madang ...` command and option they run exists in the CLI;
the port the examples connect to is the one madang listens on; the paths the proxies treat
specially (/api/v1/streaming, /media/) are madang's routes.

build: the Dockerfile's COPY, WORKDIR, ENV and RUN steps done in a temporary folder standing for
the image's file system (absolute paths moved under it), with the build context the repository;
RUN steps that need root and the image's Debian (apt-get, useradd) are listed and skipped. Then
the image's CMD (migrate, serve) runs there and must answer /health and /ready, and the
HEALTHCHECK command must pass. The image's PIP_NO_CACHE_DIR is left out so pip may use this
machine's cache.

proxies: the nginx site, adapted to loopback ports and a made-up certificate (render_nginx), goes
through `nginx -t`; the Caddyfile through `caddy validate`; the systemd units (with ExecStart
pointing at an existing madang) through `systemd-analyze verify`. A tool that is not installed is
reported as skipped (Makefile: system-deps installs nginx and caddy).
"""

from __future__ import annotations

import contextlib
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
UNITS = [DEPLOY / "systemd" / "madang-web.service", DEPLOY / "systemd" / "madang-worker.service"]
ENV_FILES = [DEPLOY / "systemd" / "madang.env.example", DEPLOY / "container" / "madang.env.example"]
DOCKERFILE = DEPLOY / "container" / "Dockerfile"
COMPOSE = DEPLOY / "container" / "compose.yaml"
NGINX_SITE = DEPLOY / "nginx" / "madang.conf"
CADDYFILE = DEPLOY / "caddy" / "Caddyfile"
# Environment names the examples may use that are not madang settings, and whose they are.
OTHER_NAMES = {
    "FORWARDED_ALLOW_IPS": "uvicorn (which addresses' X-Forwarded-* headers are trusted)",
    "PATH": "the shell", "PYTHONDONTWRITEBYTECODE": "Python", "PYTHONUNBUFFERED": "Python",
    "PIP_NO_CACHE_DIR": "pip", "PIP_DISABLE_PIP_VERSION_CHECK": "pip",
    "POSTGRES_USER": "the postgres image", "POSTGRES_DB": "the postgres image",
    "POSTGRES_PASSWORD": "the postgres image",
}
# RUN steps with these need root and the image's own system: skipped by `build`.
SYSTEM_STEPS = ("apt-get", "useradd", "groupadd", "chown")


class CheckFailed(Exception):
    """An example that does not agree with madang, or a step that did not work."""


# Reading the examples ------------------------------------------------------------------------

@dataclass
class Instruction:
    name: str
    args: str

    def json_or_shell(self) -> list[str]:
        """CMD/RUN arguments: the JSON form as a list, the shell form as ``sh -c``."""
        import json

        text = self.args.strip()
        if text.startswith("["):
            return list(json.loads(text))
        return ["sh", "-c", text]


def dockerfile(path: Path = DOCKERFILE) -> list[Instruction]:
    """The instructions, with line continuations joined and comments dropped."""
    out: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        name, _, args = line.partition(" ")
        out.append(Instruction(name.upper(), args.strip()))
    return out


def env_pairs(args: str) -> dict[str, str]:
    """An ENV instruction's ``NAME=value`` pairs (values may be quoted)."""
    return dict(item.split("=", 1) for item in shlex.split(args))


def dockerfile_env(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.name == "ENV":
            env.update(env_pairs(ins.args))
    return env


def unit_settings(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def env_file_names(path: Path) -> dict[str, str]:
    """Names set in an env file, commented-out examples (``#MADANG_X=...``) included."""
    found = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if m:
            found[m.group(1)] = m.group(2)
    return found


def compose() -> dict:
    import yaml

    return yaml.safe_load(COMPOSE.read_text())


def madang_services(spec: dict) -> dict[str, dict]:
    return {name: s for name, s in spec["services"].items() if s.get("image", "").startswith("madang")}


# (a) static ----------------------------------------------------------------------------------

def setting_names() -> set[str]:
    from madang.core.settings import Settings

    return {f"MADANG_{name.upper()}" for name in Settings.model_fields}


def cli_command(argv: list[str]) -> None:
    """``argv`` (``madang serve --workers 2``) names a command and options madang's CLI has."""
    import typer.main

    from madang.cli import app

    if Path(argv[0]).name != "madang":
        raise CheckFailed(f"not a madang command: {argv}")
    group = typer.main.get_command(app)
    command, rest = group, list(argv[1:])
    while rest and hasattr(command, "commands") and not rest[0].startswith("-"):
        name = rest.pop(0)
        if name not in command.commands:  # type: ignore[attr-defined]
            raise CheckFailed(f"`madang {' '.join(argv[1:])}`: madang has no command {name!r}")
        command = command.commands[name]  # type: ignore[attr-defined]
    options = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for arg in rest:
        if arg.startswith("-") and arg.split("=")[0] not in options:
            raise CheckFailed(f"`madang {' '.join(argv[1:])}`: {arg} is not an option of it")


def madang_commands_in(text: str) -> Iterator[list[str]]:
    """Each `madang ...` (or /path/bin/madang ...) command in a shell line, up to && or ;."""
    for part in re.split(r"&&|;|\|\|", text):
        words = shlex.split(part)
        while words and words[0] in ("exec", "sh", "-c"):
            words = words[1:]
        if words and Path(words[0]).name == "madang":
            yield words


def check_static() -> list[str]:
    notes: list[str] = []
    known = setting_names()

    def names_ok(where: str, names: object) -> None:
        for name in names:  # type: ignore[attr-defined]
            if name.startswith("MADANG_"):
                if name not in known:
                    raise CheckFailed(f"{where}: {name} is not a madang setting")
            elif name not in OTHER_NAMES:
                raise CheckFailed(f"{where}: {name} is neither a madang setting nor a known name")

    # The env files and the units.
    for path in ENV_FILES:
        names_ok(path.name, env_file_names(path))
    web_env = env_file_names(ENV_FILES[0])
    units = {path.name: unit_settings(path) for path in UNITS}
    for name, unit in units.items():
        names_ok(name, [e.split("=", 1)[0] for e in unit.get("Environment", [])])
        for start in unit["ExecStart"]:
            for argv in madang_commands_in(start):
                cli_command(argv)
    web, worker = units["madang-web.service"], units["madang-worker.service"]
    if "MADANG_EMBEDDED_WORKER=false" not in web.get("Environment", []):
        raise CheckFailed("madang-web.service must set MADANG_EMBEDDED_WORKER=false (jobs run in the worker unit)")
    if shlex.split(worker["ExecStart"][0])[1:] != ["worker"]:
        raise CheckFailed("madang-worker.service must run `madang worker`")
    metrics_dir = [e for e in web.get("Environment", []) if e.startswith("MADANG_METRICS_DIR=")]
    if metrics_dir and metrics_dir[0].split("=", 1)[1] != "/run/" + web["RuntimeDirectory"][0]:
        raise CheckFailed("MADANG_METRICS_DIR must be the unit's RuntimeDirectory (emptied at every start)")

    # The Dockerfile: the same install as the units.
    ins = dockerfile()
    image_env = dockerfile_env(ins)
    names_ok("Dockerfile", image_env)
    bin_dir = str(Path(shlex.split(web["ExecStart"][0])[0]).parent)
    if not image_env["PATH"].startswith(bin_dir + ":"):
        raise CheckFailed(f"the image's PATH must start with the units' {bin_dir}")
    users = [i.args for i in ins if i.name == "USER"]
    if users != [web["User"][0]] or worker["User"] != web["User"]:
        raise CheckFailed(f"the image runs as {users}, the units as {web['User']} / {worker['User']}")
    workdirs = [i.args for i in ins if i.name == "WORKDIR"]
    if workdirs[-1] != web["WorkingDirectory"][0]:
        raise CheckFailed(f"the image's last WORKDIR {workdirs[-1]} is not the units' {web['WorkingDirectory'][0]}")
    for key in ("MADANG_MEDIA_PATH", "MADANG_SECRET_KEY_FILE", "MADANG_MAIL_DROP_PATH"):
        if image_env[key] != web_env[key]:
            raise CheckFailed(f"{key}: the image says {image_env[key]}, madang.env.example {web_env[key]}")
    port = image_env["MADANG_PORT"]
    exposed = [i.args for i in ins if i.name == "EXPOSE"]
    if exposed != [port]:
        raise CheckFailed(f"the image EXPOSEs {exposed} but madang listens on MADANG_PORT={port}")
    health = [i for i in ins if i.name == "HEALTHCHECK"]
    if not health or f"127.0.0.1:{port}/health" not in health[0].args:
        raise CheckFailed("the image's HEALTHCHECK must ask /health on MADANG_PORT")
    cmd = [i for i in ins if i.name == "CMD"][-1].json_or_shell()
    commands = [argv for argv in madang_commands_in(cmd[-1] if cmd[0] == "sh" else shlex.join(cmd))]
    for argv in commands:
        cli_command(argv)
    if [c[1] for c in commands] != ["migrate", "serve"]:
        raise CheckFailed(f"the image's CMD must run madang migrate, then madang serve (runs {commands})")

    # The compose file.
    spec = compose()
    services = madang_services(spec)
    names_ok("compose.yaml", [n for s in spec["services"].values() for n in (s.get("environment") or {})])
    for name, service in services.items():
        env_file = service.get("env_file")
        if env_file and not (COMPOSE.parent / f"{env_file}.example").is_file():
            raise CheckFailed(f"compose.yaml: {name} reads {env_file}; there is no {env_file}.example beside it")
        cli_command(service["command"])
        build = service.get("build", {})
        if (COMPOSE.parent / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).resolve() != DOCKERFILE:
            raise CheckFailed(f"compose.yaml: {name} is not built from deploy/container/Dockerfile")
    roles = {name: s["command"][1] for name, s in services.items()}
    webs = [n for n, role in roles.items() if role == "serve"]
    if len(webs) != 2 or list(roles.values()).count("worker") != 1 or "migrate" not in roles.values():
        raise CheckFailed(f"compose.yaml: expected two web services, one worker and a migrate step: {roles}")
    published = []
    for name in webs:
        env = services[name].get("environment") or {}
        if str(env.get("MADANG_EMBEDDED_WORKER")).lower() != "false":
            raise CheckFailed(f"compose.yaml: {name} must set MADANG_EMBEDDED_WORKER=false")
        for mapping in services[name]["ports"]:
            host, host_port, container_port = mapping.split(":")
            if container_port != port:
                raise CheckFailed(f"compose.yaml: {name} publishes container port {container_port}, madang listens on {port}")
            if host != "127.0.0.1" and env.get("FORWARDED_ALLOW_IPS") == "*":
                raise CheckFailed(f"compose.yaml: {name} trusts every forwarder but is published beyond loopback")
            published.append(host_port)
    for needed in ("postgres", "redis"):
        if needed not in spec["services"]:
            raise CheckFailed(f"compose.yaml has no {needed} service")
    container_env = env_file_names(COMPOSE.parent / "madang.env.example")
    for key, host in (("MADANG_DATABASE_URL", "@postgres:"), ("MADANG_REDIS_URL", "//redis:")):
        if host not in container_env.get(key, ""):
            raise CheckFailed(f"madang.env.example (container): {key} must name the compose service ({host})")

    # Everything COPY names is let into the build context (Dockerfile.dockerignore).
    ignore = (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines()
    for i in ins:
        if i.name == "COPY":
            for source in shlex.split(i.args)[:-1]:
                if f"!{source}" not in ignore:
                    raise CheckFailed(f"Dockerfile.dockerignore leaves {source} out of the build context")

    # The proxies connect where madang listens, and treat madang's own paths specially.
    site, caddy = NGINX_SITE.read_text(), CADDYFILE.read_text()
    listen = f"{web_env['MADANG_HOST']}:{web_env['MADANG_PORT']}"
    if f"server {listen};" not in site or f"reverse_proxy {listen}" not in caddy:
        raise CheckFailed(f"the nginx upstream and Caddy's reverse_proxy must be madang's {listen}")
    for host_port in published:
        if f"server 127.0.0.1:{host_port};" not in site:
            raise CheckFailed(f"the nginx site's compose line must name 127.0.0.1:{host_port}")
    routes = route_paths()
    for path in ("/api/v1/streaming", "/media/{key:path}", "/health"):
        if path not in routes:
            raise CheckFailed(f"madang has no route {path} (the examples rely on it)")
    for needed in ("location /api/v1/streaming", "proxy_buffering off", "proxy_read_timeout",
                   "X-Forwarded-For $remote_addr", "X-Forwarded-Proto $scheme", "location /media/",
                   "proxy_cache madang_media", "$http_upgrade"):
        if needed not in site:
            raise CheckFailed(f"the nginx site lacks {needed!r}")
    if "handle /api/v1/streaming*" not in caddy or "flush_interval -1" not in caddy:
        raise CheckFailed("the Caddyfile must flush /api/v1/streaming at once")
    notes.append(f"static: {len(known)} settings, {len(services)} madang services, units, image and proxies agree")
    return notes


def route_paths() -> set[str]:
    """The paths madang's routers declare (read from the source: no app is built)."""
    found = set()
    for path in (REPO / "src" / "madang").rglob("*.py"):
        found.update(re.findall(r'@\w+\.(?:get|post|api_route|websocket|route)\(\s*"([^"]+)"', path.read_text()))
    return found


# (b) build -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Build:
    root: Path  # stands for the image's /
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    skipped: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    prefixes: set[str] = field(default_factory=set)

    def path(self, image_path: str) -> Path:
        full = image_path if image_path.startswith("/") else f"{self.cwd.rstrip('/')}/{image_path}"
        return self.root / full.lstrip("/")

    def moved(self, text: str) -> str:
        """A command or value with the image's absolute paths moved under ``root``."""
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            text = re.sub(r"(?<![\w.])" + re.escape(prefix) + r"(?=[/\s'\":]|$)", str(self.root) + prefix, text)
        return text

    def process_env(self) -> dict[str, str]:
        env = {k: self.moved(v) for k, v in self.env.items() if k != "PIP_NO_CACHE_DIR"}
        env["HOME"] = str(self.root / "root")
        # This machine's pip settings (its index, certificates) stand for the image's network.
        return {**{k: v for k, v in os.environ.items() if k.startswith("PIP_") or k == "LANG"},
                "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")), **env}


def expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def base_python() -> str:
    """The interpreter standing for the image's `python` (a virtual environment's base)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def do_build(root: Path, log=print) -> Build:  # type: ignore[no-untyped-def]
    ins = dockerfile()
    build = Build(root)
    # Absolute paths the image uses (WORKDIR, COPY targets, ENV paths): moved under root.
    for i in ins:
        if i.name == "WORKDIR" or i.name == "VOLUME":
            build.prefixes.add(i.args)
    shims = root / ".shims"
    shims.mkdir(parents=True)
    (shims / "python").symlink_to(base_python())
    build.env["PATH"] = f"{shims}:/usr/local/bin:/usr/bin:/bin"
    for i in ins:
        if i.name == "FROM":
            log(f"FROM {i.args}: this machine's Python {sys.version.split()[0]} stands for it")
        elif i.name == "ENV":
            for key, value in env_pairs(i.args).items():
                build.env[key] = expand(value, build.env)
        elif i.name == "WORKDIR":
            build.cwd = i.args
            build.path(i.args).mkdir(parents=True, exist_ok=True)
        elif i.name == "COPY":
            *sources, target = shlex.split(i.args)
            for source in sources:
                src = REPO / source
                dest = build.path(target)
                if src.is_dir():  # as Docker does: the folder's contents into the target
                    shutil.copytree(src, dest, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
                else:
                    (dest if target.endswith("/") else dest.parent).mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest / src.name if target.endswith("/") else dest)
            log(f"COPY {i.args}")
        elif i.name == "RUN":
            if any(re.search(rf"\b{step}\b", i.args) for step in SYSTEM_STEPS):
                build.skipped.append(i.args)
                log(f"RUN (skipped: needs root and the image's Debian) {i.args}")
                continue
            log(f"RUN {i.args}")
            started = time.monotonic()
            done = subprocess.run(["sh", "-c", build.moved(i.args)], cwd=build.path(build.cwd),
                                  env=build.process_env(), capture_output=True, text=True, timeout=1500)
            if done.returncode != 0:
                raise CheckFailed(f"RUN {i.args} failed ({done.returncode}): {(done.stdout + done.stderr)[-3000:]}")
            log(f"    done in {time.monotonic() - started:.0f} s")
        elif i.name == "CMD":
            build.cmd = i.json_or_shell()
        elif i.name == "HEALTHCHECK":
            args = i.args
            while args.startswith("--"):
                args = args.split(None, 1)[1]
            build.healthcheck = Instruction("CMD", args.removeprefix("CMD").strip()).json_or_shell()
    return build


def serve_built(build: Build, log=print, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Run the image's CMD on a loopback port, wait for /health and /ready, run HEALTHCHECK."""
    port = str(free_port())
    env = {**build.process_env(), "MADANG_HOST": "127.0.0.1", "MADANG_PORT": port}
    cwd = build.path(build.cwd)
    out = cwd / "cmd.log"
    command = [build.moved(word) for word in build.cmd]
    log(f"CMD {build.cmd} on port {port}")
    with out.open("wb") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/health", timeout=2) as answer:
                if answer.status == 200:  # (an OSError: not up yet)
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise CheckFailed("the image's CMD did not answer /health: " + out.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        with urllib.request.urlopen(base + "/ready", timeout=10) as answer:
            if answer.status != 200:
                raise CheckFailed(f"/ready answered {answer.status}")
        probe = [w.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for w in build.healthcheck]
        done = subprocess.run([build.moved(w) for w in probe], env=env, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise CheckFailed(f"HEALTHCHECK failed: {done.stderr[-2000:]}")
        log(f"answered /health and /ready; HEALTHCHECK passed; installed {installed_version(build)}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def installed_version(build: Build) -> str:
    venv = next((build.root / "opt").rglob("bin/python"), None) if (build.root / "opt").exists() else None
    if venv is None:
        return "?"
    done = subprocess.run([str(venv), "-c", "import importlib.metadata as m; print(m.version('madang'), "
                                            "m.version('boto3'))"], capture_output=True, text=True, timeout=60)
    return "madang " + done.stdout.strip().replace(" ", ", boto3 ")


def check_build(keep: Path | None = None) -> list[str]:
    root = keep or Path(tempfile.mkdtemp(prefix="madang-image-"))
    try:
        build = do_build(root / "image")
        serve_built(build)
        return [f"build: Dockerfile steps done ({len(build.skipped)} system step(s) skipped), CMD served /health"]
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


# (c) proxies ---------------------------------------------------------------------------------

def self_signed(folder: Path, host: str = "madang.example.kr") -> tuple[Path, Path]:
    """A throwaway certificate for ``host`` (and 127.0.0.1), for loopback tests only."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def render_nginx(folder: Path, *, https_port: int, http_port: int, upstream: str) -> Path:
    """The example site, unchanged but for what a test on loopback needs (ports, a made-up
    certificate, a cache folder, the upstream's address), inside a minimal nginx.conf run as
    the current user in ``folder``. Returns the main configuration file."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder)
    site = NGINX_SITE.read_text()
    replaced = [
        (r"listen \[::\]:\d+[^;]*;\n", ""),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"ssl_certificate /etc/\S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key /etc/\S+;", f"ssl_certificate_key {key};"),
        (r"/var/cache/nginx/madang", str(folder / "cache")),
        (r"/var/www/html", str(folder / "www")),
        (r"server 127\.0\.0\.1:8000;", f"server {upstream};"),
    ]
    for pattern, new in replaced:
        site, count = re.subn(pattern, new, site)
        if not count:
            raise CheckFailed(f"the nginx site no longer has {pattern!r}: update render_nginx")
    (folder / "site.conf").write_text(site)
    main = folder / "nginx.conf"
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
    main.write_text(f"""daemon off;
master_process off;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 1024; }}
http {{
    access_log {folder / 'access.log'};
{temp}
    include {folder / 'site.conf'};
}}
""")
    return main


def nginx_command(main: Path, *extra: str) -> list[str]:
    return ["nginx", "-p", str(main.parent), "-e", str(main.parent / "error.log"), "-c", str(main), *extra]


def check_proxies() -> list[str]:
    notes = []
    with tempfile.TemporaryDirectory(prefix="madang-proxies-") as work:
        folder = Path(work)
        if shutil.which("nginx"):
            main = render_nginx(folder / "nginx", https_port=free_port(), http_port=free_port(),
                                upstream="127.0.0.1:8000")
            done = subprocess.run(nginx_command(main, "-t"), capture_output=True, text=True, timeout=60)
            if done.returncode != 0:
                raise CheckFailed("nginx -t: " + done.stderr)
            notes.append("nginx -t: the site is valid")
        else:
            notes.append("nginx: not installed, skipped (make system-deps)")
        if shutil.which("caddy"):
            home = folder / "caddy"
            home.mkdir()
            env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}
            done = subprocess.run(["caddy", "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
                                  capture_output=True, text=True, timeout=60, env=env)
            if done.returncode != 0:
                raise CheckFailed("caddy validate: " + done.stderr[-3000:])
            notes.append("caddy validate: the Caddyfile is valid")
        else:
            notes.append("caddy: not installed, skipped (make system-deps)")
        if shutil.which("systemd-analyze"):
            madang = shutil.which("madang") or str(Path(sys.executable).with_name("madang"))
            units = folder / "units"
            units.mkdir()
            for unit in UNITS:
                text = re.sub(r"ExecStart=\S+/madang", f"ExecStart={madang}", unit.read_text())
                (units / unit.name).write_text(text)
            done = subprocess.run(["systemd-analyze", "verify", *(str(units / u.name) for u in UNITS)],
                                  capture_output=True, text=True, timeout=60)
            problems = [line for line in (done.stdout + done.stderr).splitlines()
                        if any(u.name in line for u in UNITS)]
            if done.returncode != 0 or problems:
                raise CheckFailed("systemd-analyze verify: " + "\n".join(problems or [done.stderr]))
            notes.append("systemd-analyze verify: both units are valid")
        else:
            notes.append("systemd-analyze: not installed, skipped")
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["static", "build", "proxies", "all"])
    parser.add_argument("--keep", type=Path, help="build in this folder and leave it there")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        notes = []
        if args.what in ("static", "all"):
            notes += check_static()
        if args.what in ("proxies", "all"):
            notes += check_proxies()
        if args.what in ("build", "all"):
            notes += check_build(args.keep)
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(note)
    print(f"deploy/check.py {args.what}: ok in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
