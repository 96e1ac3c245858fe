"""Durable background work: jobs written in the caller's transaction, handlers registered by name, and the worker that runs them."""

from madang.jobs.maintenance import Troubles, find_troubles, list_jobs, prune_done, retry_job, trouble_note
from madang.jobs.queue import enqueue
from madang.jobs.registry import Handler, UnknownJob, batch_handler, get_handler, handler, registered_names
from madang.jobs.worker import Worker

__all__ = [
    "Handler", "Troubles", "UnknownJob", "Worker", "batch_handler", "enqueue", "find_troubles", "get_handler",
    "handler", "list_jobs", "prune_done", "registered_names", "retry_job", "trouble_note",
]
