"""Upgrades: every earlier database migrates to head keeping its rows; batched data migrations resume."""
