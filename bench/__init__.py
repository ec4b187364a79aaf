"""Benchmark of ventes-pme at scale: ``python -m bench`` (see docs/performance.md)."""
