"""Benchmarks and the deterministic corpus generator they (and the test suite) share."""
