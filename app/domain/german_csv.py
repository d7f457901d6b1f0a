"""The export for German spreadsheets: what Excel in a German office opens as it is.

German Excel reads a CSV with the list separator of the locale (`;`), numbers with a
decimal comma, and UTF-8 only after a byte-order mark; without these it shows one
column of mojibake. Codes become the German words the map uses, AGS codes the names of
the municipalities, dates the German form. The standard CSV (`f=csv`) stays as it is
for scripts and GIS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from app.domain.catalogue import Catalogue
from app.domain.csv_cells import neutralise
from app.domain.local_time import BERLIN
from app.domain.m102_4 import Elements

BOM = "\ufeff"
DELIMITER = ";"

# Column -> German heading (the words of the map and the item page).
HEADINGS = {
    "id": "ID",
    "type": "Maßnahmenart",
    "title": "Titel",
    "description": "Beschreibung",
    "status": "Status",
    "review_state": "Prüfstatus",
    "review_note": "Prüfvermerk",
    "municipality": "Kommune",
    "area_m2": "Fläche (m²)",
    "disconnected_area_m2": "Abgekoppelte Fläche (m²)",
    "disconnected_area_source": "Abgekoppelte Fläche: Herkunft",
    "retention_volume_m3": "Rückhaltevolumen (m³)",
    "cost_eur": "Kosten (€)",
    "funding": "Förderung",
    "completed_on": "Fertiggestellt am",
    "surface_before": "Fläche vorher",
    "catchment_surface": "Angeschlossene Fläche (Belag)",
    "substrate_depth_mm": "Substratdicke (mm)",
    "storage_height_mm": "Einstauhöhe (mm)",
    "paving_kind": "Belagsart",
    "kf_mm_h": "Durchlässigkeit kf (mm/h)",
    "cistern_use_l_per_day": "Regenwassernutzung (l/Tag)",
    "irrigated_area_m2": "Bewässerte Fläche (m²)",
    "runoff_avoided_m3": "Vermiedener Abfluss (m³/a)",
    "extra_evaporation_m3": "Zusätzliche Verdunstung (m³/a)",
    "extra_infiltration_m3": "Zusätzliche Versickerung (m³/a)",
    "partner": "Partner",
    "source": "Quelle",
    "created_at": "Angelegt am",
    "updated_at": "Geändert am",
    "version": "Version",
    "lon": "Länge (WGS 84)",
    "lat": "Breite (WGS 84)",
    "x": "Rechtswert",
    "y": "Hochwert",
    "wkt": "Geometrie (WKT)",
}
STATUSES = {
    "planned": "geplant",
    "in_progress": "in Umsetzung",
    "completed": "fertiggestellt",
    "cancelled": "abgebrochen",
}
REVIEW_STATES = {"submitted": "eingereicht", "published": "veröffentlicht", "rejected": "abgelehnt"}
AREA_SOURCES = {"given": "angegeben", "derived": "aus der Geometrie"}
SURFACES = ("surface_before", "catchment_surface", "paving_kind")


def number(value: float | int) -> str:
    """A number as German Excel reads it: decimal comma, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


class GermanCells:
    """Turns a row of the export into German cells (labels from the catalogues)."""

    def __init__(self, catalogue: Catalogue, elements: Elements, names: Mapping[str, str]):
        self.types = {t.id: t.label_de for t in catalogue.types.values()}
        self.surfaces = {
            **{e.id: e.label_de for e in elements.surfaces.values()},
            **{e.id: e.label_de for e in elements.systems.values()},
        }
        self.names = names

    def heading(self, column: str) -> str:
        """The German heading of a column."""
        return HEADINGS.get(column, column)

    def cell(self, column: str, value: Any) -> Any:
        """One cell: a German word for a code, a German number or date, or the text."""
        if value is None:
            return ""
        vocabulary = {
            "type": self.types,
            "status": STATUSES,
            "review_state": REVIEW_STATES,
            "municipality": self.names,
            "disconnected_area_source": AREA_SOURCES,
        }.get(column)
        if column in SURFACES:
            vocabulary = self.surfaces
        if vocabulary is not None:
            return neutralise(vocabulary.get(value, value))
        if isinstance(value, bool):
            return "ja" if value else "nein"
        if isinstance(value, int | float):
            return number(value)
        if isinstance(value, dt.datetime):
            return value.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        return neutralise(value)
