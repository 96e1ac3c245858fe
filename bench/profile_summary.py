"""Summarise a py-spy `record -f raw` profile (collapsed stacks): where the samples go.

    .venv/bin/python bench/profile_summary.py /tmp/home.txt [--top 25]

Prints (1) shares by layer (the package of the innermost frame that is not the standard
library's asyncio/threading plumbing), (2) the top functions by self samples, and (3) the
top madang functions by inclusive samples (file:function, line numbers dropped).
Stacks from SQLAlchemy's greenlets start mid-way (py-spy sees a greenlet as its own
stack); a stack that ends in `Runner.run`/`run_forever` is the event loop itself working
in C (uvloop: sockets, httptools parsing) or idle.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^():]+(?:\.py)?|<[^>]*>)(?::(?P<line>\d+))?\)$")

LAYERS = [  # (label, substring of the frame's file), first match wins, innermost frame first
    ("sqlalchemy ORM (loading, session, unit of work)", "sqlalchemy/orm/"),
    ("sqlalchemy core (compile, execute, result rows)", "sqlalchemy/"),
    ("aiosqlite / sqlite3 (driver, queries in C)", "aiosqlite/"),
    ("madang serializers (JSON shaping)", "madang/mastodon_api/serializers"),
    ("madang other", "madang/"),
    ("orjson / json", "json"),
    ("argon2", "argon2"),
    ("pydantic", "pydantic"),
    ("fastapi / starlette", "starlette/"),
    ("fastapi / starlette", "fastapi/"),
    ("uvicorn", "uvicorn/"),
    ("greenlet", "greenlet"),
]
PLUMBING = ("asyncio/", "threading.py", "concurrent/", "queue.py", "contextlib.py", "typing.py", "functools.py")


def frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for raw in stack.split(";"):
        m = FRAME.match(raw.strip())
        if m:
            file = m["file"]
            file = re.sub(r"^.*?site-packages/", "", file)
            out.append((file, m["fn"]))
        else:
            out.append((raw, raw))
    return out


def layer(fs: list[tuple[str, str]]) -> str:
    for file, _ in reversed(fs):
        if any(p in file for p in PLUMBING):
            continue
        for label, needle in LAYERS:
            if needle in file:
                return label
        return "other: " + file.split("/")[0]
    if fs and fs[-1][1] in ("Runner.run", "run_until_complete", "run_forever", "asyncio_run"):
        return "event loop in C (uvloop I/O, httptools) or idle"
    return "asyncio plumbing"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--top", type=int, default=20)
    args = p.parse_args()
    total = 0
    layers: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    for line in open(args.path, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        fs = frames(stack)
        layers[layer(fs)] += n
        if fs:
            file, fn = fs[-1]
            self_[f"{file}:{fn}"] += n
        seen = set()
        for file, fn in fs:
            if file.startswith("madang/"):
                key = f"{file}:{fn}"
                if key not in seen:
                    seen.add(key)
                    incl[key] += n
    print(f"{total} samples\n\nby layer (innermost non-plumbing frame):")
    for name, n in layers.most_common():
        print(f"  {100 * n / total:5.1f}%  {name}")
    print(f"\ntop {args.top} functions by self samples:")
    for name, n in self_.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {name}")
    print(f"\ntop {args.top} madang functions by inclusive samples:")
    for name, n in incl.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
