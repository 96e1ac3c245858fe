"""Short links (/s/<code>) and their clicks counted per day, with no personal data."""
