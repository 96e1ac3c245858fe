"""Who receives which live event: the rules behind the streaming API."""
