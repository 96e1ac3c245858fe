"""Notifications: written by jobs when something happens to an account; listed, dismissed, cleared."""
