"""How many decimals a measure's derived numbers keep wherever they are served.

The cached Feature (`measure_feature_json`, built by the migrations), vector tiles and
exports all round this way; `tests/sql/test_rounding.py` checks that the Feature does.
"""

from __future__ import annotations

# m²: a centimetre-square resolution is more than any measure's survey gives.
AREA_DECIMALS = 2
# m³/a: water-balance volumes are estimates; one decimal is already generous.
IMPACT_DECIMALS = 1
