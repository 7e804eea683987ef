"""Thin HTTP handlers, one router per audience."""
