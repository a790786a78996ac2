"""Benchmarks with their results (see bench/README.md)."""
