"""Request budgets shared by the worker processes of a deployment (migration 0015)."""

from sqlalchemy import Column, Float, Table, Text

from app.db.meta import metadata

# UNLOGGED in the database (the models cannot say so): the time until which a caller's
# budget of a class of work (`cheap`, `heavy`) is spent, as seconds since the epoch.
request_budgets = Table(
    "request_budgets",
    metadata,
    Column("identity", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("spent_until", Float(precision=53), nullable=False),
)
