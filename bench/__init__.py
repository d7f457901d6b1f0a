"""Benchmarks of the registry (`make bench`, `make bench-peers`, `make bench-cluster`)."""

# A benchmark measures throughput from one address: the per-address rate limit
# (RATE_LIMIT, 50/s by default) would answer most of it with 429.
UNLIMITED = {"RATE_LIMIT": ""}
