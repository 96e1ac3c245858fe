"""The city blog: feeds an organisation follows, each new entry posted once with a short link."""
