"""The demo city (안양시): its data and the loader that writes it."""
