"""The ActivityPub surface: actors, objects and collections by content negotiation, and the inboxes.
Thin, as the other surfaces: parse the request, call one madang.federation use case, answer."""
