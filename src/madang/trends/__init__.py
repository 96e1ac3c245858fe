"""Trends: tags and statuses rising in the city, computed by a job from recent use."""
