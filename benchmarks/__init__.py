"""Benchmarks for certpreflight (run: ``python -m benchmarks``)."""
