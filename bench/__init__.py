"""Benchmarks: `make bench` writes bench-report.json."""
