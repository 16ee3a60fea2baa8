"""Benchmarks: the scale-vault generator and the measurements recorded in results/."""
