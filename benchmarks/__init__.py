"""Benchmarks: figures against a baseline measured in the same run."""
