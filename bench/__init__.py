"""Load benchmarks: ``make bench`` (``python -m bench.run``) measures the real app with wrk."""
