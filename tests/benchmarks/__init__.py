"""Tests of the benchmarks: they run, tiny, so they cannot rot."""
