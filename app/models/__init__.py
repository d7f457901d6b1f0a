"""Table definitions (SQLAlchemy Core); the migrations in `migrations/` create them."""

from app.models.api_key import api_keys, idempotency_keys, partners
from app.models.baseline import municipality_baselines
from app.models.measure import (
    data_version,
    measure_history,
    measure_search_words,
    measure_statistics,
    measures,
)
from app.models.measure_type import measure_types
from app.models.municipality import municipalities, municipality_parts
from app.models.request_budget import request_budgets

__all__ = [
    "api_keys",
    "data_version",
    "idempotency_keys",
    "measure_history",
    "measure_search_words",
    "measure_statistics",
    "measure_types",
    "measures",
    "municipalities",
    "municipality_baselines",
    "municipality_parts",
    "partners",
    "request_budgets",
]
