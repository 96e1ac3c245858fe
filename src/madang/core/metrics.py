"""The metrics facade: the few places that count things (the job worker, federation delivery, the
database's units, live streams) call these functions; nothing is recorded unless `madang.ops.metrics`
installed a recorder (MADANG_METRICS set, decision 0055). Lower layers never import prometheus_client,
and with metrics off a call costs one global lookup and a comparison."""

from __future__ import annotations

from typing import Protocol


class Recorder(Protocol):
    def job_failed(self, kind: str, final: bool) -> None: ...
    def delivered(self, domain: str, outcome: str) -> None: ...
    def unit(self, kind: str, seconds: float) -> None: ...
    def lock_wait(self, seconds: float) -> None: ...
    def streams(self, delta: int) -> None: ...


# The installed recorder, or None (off). Hot paths read it once: `rec = metrics.recorder`.
recorder: Recorder | None = None


def install(new: Recorder | None) -> None:
    global recorder
    recorder = new


def job_failed(kind: str, *, final: bool) -> None:
    """A job's run raised (``final``: it will not be retried)."""
    if recorder is not None:
        recorder.job_failed(kind, final)


def delivered(domain: str, outcome: str) -> None:
    """One activity POSTed to an inbox of ``domain``: "delivered", "retry" or "give up"."""
    if recorder is not None:
        recorder.delivered(domain, outcome)


def streams(delta: int) -> None:
    """A live stream (SSE or WebSocket) opened (+1) or closed (-1) in this process."""
    if recorder is not None:
        recorder.streams(delta)
