"""Limits that keep the service up: request deadline, rate limit, slots for heavy work."""
