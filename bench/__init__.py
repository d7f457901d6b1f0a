"""Benchmarks of the registry (`make bench`, `make bench-peers`, `make bench-cluster`)."""

# A benchmark measures throughput from one address: the per-address budgets
# (ADDRESS_BUDGETS, 200 cheap requests/s by default) would answer most of it with 429.
# Every other guard stays on, keyed budgets and the anonymous share included.
UNLIMITED = {"ADDRESS_BUDGETS": "false"}
