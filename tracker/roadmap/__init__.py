"""Roadmap documents → rows → schedule files."""
