"""The file name of a download: what it holds, from when, in which CRS.

A planner who downloads three selections ends up with `measures.gpkg`,
`measures (1).gpkg` and `measures (2).gpkg`; named after the selection they sort and
tell apart: `klimawerk-massnahmen_gelsenkirchen_2026-12-06_epsg25832.gpkg`.
"""

from __future__ import annotations

import datetime as dt
import re

PREFIX = "klimawerk-massnahmen"
# More cities than this are named "auswahl" (a selection), none "region".
MAX_NAMED = 3
UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slug(text: str) -> str:
    """ASCII, lower case, words joined by hyphens: "Mülheim an der Ruhr" gives
    "muelheim-an-der-ruhr"."""
    ascii_text = text.translate(UMLAUTS).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def export_file_name(city_names: list[str], day: dt.date, srid: int, suffix: str) -> str:
    """The download's name from the selected cities (none: the region), the day and the
    CRS (4326 is written as CRS84, the axis order the files use)."""
    if not city_names:
        place = "region"
    elif len(city_names) > MAX_NAMED:
        place = "auswahl"
    else:
        place = "-".join(slug(name) for name in sorted(city_names))
    crs = "crs84" if srid == 4326 else f"epsg{srid}"
    return f"{PREFIX}_{place}_{day.isoformat()}_{crs}.{suffix}"
