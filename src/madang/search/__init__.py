"""Finding statuses, accounts and tags, with Korean text matched as a Korean reader means it."""
