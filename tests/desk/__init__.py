"""Tests of the 민원 desk."""
