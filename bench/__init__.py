"""Benchmarks: ``python bench/run.py [--quick]`` (see docs/BENCHMARKS.md)."""
