"""The requests of QGIS's OGC API - Features provider, replayed against a served registry.

Written down from QGIS's source (`src/providers/wfs/oapif/`, as of QGIS 3.40; editing came
with 3.32), never copied from it:
- `qgsoapifprovider.cpp` `init()`: GET landing page, `/api`, the collection,
  `/conformance`, `/queryables`, then `items?limit=10`; its fields are the properties of
  those features. `computeCapabilities()`: OPTIONS on `.../items`; when `Allow` lists
  POST, OPTIONS on `.../items/{id of the first feature}`; PUT there enables changing
  attributes and geometries, DELETE deleting, PATCH the use of PATCH for changes.
- `qgsoapifcreatefeaturerequest.cpp`: POST `application/geo+json`, the Feature without
  `id` and `bbox`, every field of the layer (null where the user typed nothing),
  `Content-Crs` when the layer's CRS is not CRS84; the new id is read from `Location`.
- `qgsoapifputfeaturerequest.cpp`: PUT `application/geo+json` of the whole Feature with
  its `id`, no If-Match.
- `qgsoapifpatchfeaturerequest.cpp`: PATCH `application/merge-patch+json` with only
  `{"geometry": ...}` (and `Content-Crs`), or only `{"properties": {changed fields}}`.
- `qgsoapifdeletefeaturerequest.cpp`: DELETE, no If-Match.
`apt-cache policy python3-qgis` offers 3.22 on Debian bookworm (no OAPIF editing), so the
PyQGIS test below runs only where a QGIS >= 3.32 with Python bindings is installed.
"""

from __future__ import annotations

import subprocess

import asyncpg
import httpx
import pyproj
import pytest

from tests.factories import create_key

ITEMS = "/collections/measures/items"
CRS_25832 = "<http://www.opengis.net/def/crs/EPSG/0/25832>"
ROOF = [[7.1, 51.52], [7.1003, 51.52], [7.1003, 51.5202], [7.1, 51.5202], [7.1, 51.52]]


def _in_25832(ring: list[list[float]], shift_m: float) -> list[list[float]]:
    to_utm = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:25832", always_xy=True)
    return [[x + shift_m, y] for x, y in (to_utm.transform(lon, lat) for lon, lat in ring)]


def _log(steps: list[str], response: httpx.Response) -> httpx.Response:
    steps.append(f"{response.request.method} {response.request.url.path} -> {response.status_code}")
    return response


async def test_qgis_oapif_sequence_edits_with_a_partner_key(
    default_server: str, partner_key: str, reviewer_key: str, pool: asyncpg.Pool
) -> None:
    other_key = (await create_key(pool, "Vonovia", "partner"))[1]
    steps: list[str] = []
    key = {"X-API-Key": partner_key}  # QGIS's "API Header" authentication
    async with httpx.AsyncClient(base_url=default_server, headers=key, timeout=30) as qgis:
        for path in ("/", "/api", "/collections/measures", "/conformance"):
            assert _log(steps, await qgis.get(path)).status_code == 200
        first_page = _log(steps, await qgis.get(f"{ITEMS}?limit=10"))
        assert first_page.status_code == 200

        allow = _log(steps, await qgis.options(ITEMS))
        assert allow.status_code == 204 and "POST" in allow.headers["allow"].split(", ")

        # A layer read from the pages: these are its fields, all null but what was typed.
        queryables = await qgis.get("/collections/measures/queryables")
        fields = {*queryables.json()["properties"]}
        fields |= {name for f in first_page.json()["features"] for name in f["properties"]}
        fields.add("review_note")  # the pages of a partner's own measures carry it
        properties = {name: None for name in fields if name not in ("geometry", "id")}
        properties |= {"type": "green_roof_extensive", "title": "Gründach aus QGIS"}
        created = _log(
            steps,
            await qgis.post(
                ITEMS,
                json={
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ROOF]},
                    "properties": properties,
                },
                headers={"Content-Type": "application/geo+json"},
            ),
        )
        assert created.status_code == 201, created.text
        url = f"{ITEMS}/{created.headers['location'].rsplit('/items/', 1)[1]}"
        feature = created.json()
        assert set(feature["properties"]) <= set(properties)  # every field was sent back
        assert feature["properties"]["review_state"] == "submitted"
        assert feature["properties"]["status"] == "planned"

        allow = _log(steps, await qgis.options(url))
        assert allow.status_code == 204
        assert {"PUT", "PATCH", "DELETE"} <= set(allow.headers["allow"].split(", "))

        whole = (await qgis.get(url)).json()
        whole.pop("links", None)
        whole["properties"]["description"] = "mit 12 cm Substrat"
        put = _log(
            steps, await qgis.put(url, json=whole, headers={"Content-Type": "application/geo+json"})
        )
        assert put.status_code == 200, put.text
        assert put.json()["properties"]["description"] == "mit 12 cm Substrat"

        moved = {"geometry": {"type": "Polygon", "coordinates": [_in_25832(ROOF, 5.0)]}}
        patch_geometry = _log(
            steps,
            await qgis.patch(
                url,
                json=moved,
                headers={"Content-Type": "application/merge-patch+json", "Content-Crs": CRS_25832},
            ),
        )
        assert patch_geometry.status_code == 200, patch_geometry.text
        west = patch_geometry.json()["geometry"]["coordinates"][0][0][0]
        assert 7.10006 < west < 7.10008  # 5 m east of 7.1 at 51.52° N

        two = {"properties": {"title": "Gründach aus QGIS, geändert", "cost_eur": 24000}}
        patch_attributes = _log(
            steps,
            await qgis.patch(
                url, json=two, headers={"Content-Type": "application/merge-patch+json"}
            ),
        )
        assert patch_attributes.status_code == 200, patch_attributes.text
        properties = patch_attributes.json()["properties"]
        assert properties["cost_eur"] == 24000 and properties["version"] == 4

        history = (await qgis.get(f"{url}/history")).json()["versions"]
        assert [v["last_writer"] for v in history] == [True, True, True, False]

        # Another partner's (or an anonymous) layer offers no editing of it once published.
        published = await qgis.patch(
            url,
            json={"properties": {"review_state": "published"}},
            headers={"X-API-Key": reviewer_key},
        )
        assert published.status_code == 200, published.text
        async with httpx.AsyncClient(base_url=default_server) as anonymous:
            assert (await anonymous.options(url)).headers["allow"] == "GET, HEAD, OPTIONS"
        other = await qgis.options(url, headers={"X-API-Key": other_key})
        assert other.headers["allow"] == "GET, HEAD, OPTIONS"

        assert _log(steps, await qgis.delete(url)).status_code == 204
        assert _log(steps, await qgis.get(url)).status_code == 404
    print("\n".join(["QGIS OAPIF sequence:", *steps]))


def _qgis_version() -> str | None:
    """The installed QGIS's version when its Python bindings import, else None."""
    probe = "from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)"
    try:
        done = subprocess.run(
            ["python3", "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


# Run by the system Python, where QGIS's bindings live: open the layer with the key as an
# HTTP header, add a green roof, commit. Not run on this project's CI (bookworm has 3.22).
PYQGIS_SESSION = """
import sys
from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsVectorDataProvider, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
base, key = sys.argv[1], sys.argv[2]
layer = QgsVectorLayer(f"url='{base}' typename='measures' http-header:X-API-Key='{key}'",
                       "measures", "OAPIF")
assert layer.isValid(), "the layer did not load"
assert layer.dataProvider().capabilities() & QgsVectorDataProvider.AddFeatures, "no editing"
layer.startEditing()
feature = QgsFeature(layer.fields())
feature.setAttribute("type", "green_roof_extensive")
feature.setAttribute("title", "Gründach aus PyQGIS")
feature.setGeometry(QgsGeometry.fromWkt(
    "POLYGON((7.1 51.52, 7.1003 51.52, 7.1003 51.5202, 7.1 51.5202, 7.1 51.52))"))
assert layer.addFeature(feature)
assert layer.commitChanges(), layer.commitErrors()
"""


def test_pyqgis_edits_a_layer_and_commits(default_server: str, partner_key: str) -> None:
    version = _qgis_version()
    if version is None or int(version) < 33200:
        pytest.skip(
            f"needs QGIS >= 3.32 with Python bindings (found: {version or 'none'}); "
            "Debian bookworm's python3-qgis is 3.22, which cannot edit OGC API - Features"
        )
    done = subprocess.run(
        ["python3", "-c", PYQGIS_SESSION, default_server, partner_key],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    mine = httpx.get(
        f"{default_server}{ITEMS}",
        params={"filter": "title = 'Gründach aus PyQGIS'"},
        headers={"X-API-Key": partner_key},
    ).json()
    assert mine["numberMatched"] >= 1
