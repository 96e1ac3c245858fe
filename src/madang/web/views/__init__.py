"""What the templates show: plain dicts built from domain views, nothing loaded lazily."""
