"""Benchmarks (`make bench`): measurement code only, never imported by the application."""
