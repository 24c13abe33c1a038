"""Seed data transcribed from documents: the demo's plans."""
