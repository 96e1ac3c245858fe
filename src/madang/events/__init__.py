"""Publish/subscribe of live events: in-process, or through Redis across processes."""
