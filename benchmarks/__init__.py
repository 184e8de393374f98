"""Benchmarks run by `duban bench`: measurements, not tests (machines here are shared and noisy)."""
