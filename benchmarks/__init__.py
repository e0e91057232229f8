"""Benchmarks for the console: every figure beside a baseline measured in the same run.

Run them all with ``make bench`` (or ``python -m benchmarks.run``); see docs/performance.md.
"""
