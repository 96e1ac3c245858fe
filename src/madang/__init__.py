"""madang: a Korean-first microblog for a city and its citizens."""
