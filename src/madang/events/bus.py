"""The event bus: publish a small dict, and every listener of every process receives it.

Events are plain JSON-able dicts (ids and a few facts, never rendered JSON): each process
decides locally what its own connections get, so an event crosses Redis once however many
clients are listening.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Event = dict[str, Any]
Listener = Callable[[Event], None]


class EventBus:
    """In-process: ``publish`` hands the event to this process's listeners at once.

    Listeners are called on the publisher's event loop and must only queue the event
    (never await or block): publishing runs inside a request's after-commit step.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._closers: list[Callable[[], Awaitable[None]]] = []

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Registers ``listener``; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, event: Event) -> None:
        self._deliver(event)

    def _deliver(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    async def start(self) -> None:
        """Nothing to connect to in-process."""

    def on_close(self, closer: Callable[[], Awaitable[None]]) -> None:
        """``closer`` runs when the bus closes (a listener's own tasks end with the app)."""
        self._closers.append(closer)

    async def close(self) -> None:
        self._listeners.clear()
        for closer in self._closers:
            await closer()
        self._closers.clear()
