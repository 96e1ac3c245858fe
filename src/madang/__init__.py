"""madang: a Korean-first microblog for a city and its citizens."""

__version__ = "0.1.0"
