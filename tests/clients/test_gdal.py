"""GDAL's OAPIF driver reads the registry like any OGC API - Features server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("demo")


def ogr(*args: str) -> str:
    assert shutil.which(args[0]), f"{args[0]} missing: install gdal-bin (make test does)"
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ogrinfo_lists_both_collections(live_server: str) -> None:
    out = ogr("ogrinfo", "-ro", "-q", f"OAPIF:{live_server}")
    assert re.search(r"\bmeasures\b", out) and re.search(r"\bmunicipalities\b", out)


@pytest.mark.parametrize("layer", ["measures", "municipalities"])
def test_ogr_reads_every_feature_the_api_reports(
    live_server: str, layer: str, tmp_path: Path
) -> None:
    matched = httpx.get(f"{live_server}/collections/{layer}/items", params={"limit": 1}).json()[
        "numberMatched"
    ]
    summary = ogr("ogrinfo", "-ro", "-so", f"OAPIF:{live_server}", layer)
    assert f"Feature Count: {matched}" in summary
    out = tmp_path / f"{layer}.geojson"
    ogr("ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{live_server}", layer)
    features = json.loads(out.read_text())["features"]
    assert len(features) == matched
    ids = [f["properties"].get("id") or f.get("id") for f in features]
    assert len(set(ids)) == matched


def test_ogr_spatial_and_attribute_filter(live_server: str) -> None:
    api = httpx.get(
        f"{live_server}/collections/measures/items",
        params={"bbox": "6.98,51.42,7.05,51.47", "type": "green_roof_extensive", "limit": 1},
    ).json()
    out = ogr(
        "ogrinfo",
        "-ro",
        "-q",
        "-spat",
        "6.98",
        "51.42",
        "7.05",
        "51.47",
        "-where",
        "type = 'green_roof_extensive'",
        f"OAPIF:{live_server}",
        "measures",
    )
    assert out.count("OGRFeature(") == api["numberMatched"] > 0
