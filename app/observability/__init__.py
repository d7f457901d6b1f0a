"""What an operator sees of the running service: metrics, the access log, health."""
