"""Lists: named sets of followed accounts, their members, and what a list timeline shows."""
