"""Analytics as daily counts per account and per post, and account health alerts."""
