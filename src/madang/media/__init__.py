"""Photos and other media: checking, processing, storing and attaching uploads."""
