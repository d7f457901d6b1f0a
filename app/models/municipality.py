"""The 17 Klima.Werk municipalities with their VG250 boundaries."""

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Column, Computed, Float, String, Table, Text

from app.db.meta import metadata

municipalities = Table(
    "municipalities",
    metadata,
    Column("ags", String(8), primary_key=True, comment="8-digit Amtlicher Gemeindeschlüssel"),
    Column("name", Text, nullable=False),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False),
    Column(
        "area_m2",
        Float,
        Computed("ST_Area(ST_Transform(geom, 25832))", persisted=True),
        comment="area in EPSG:25832",
    ),
    CheckConstraint("ags ~ '^[0-9]{8}$'", name="ags_format"),
)

# Boundaries cut into small pieces so that point-in-municipality tests stay cheap.
municipality_parts = Table(
    "municipality_parts",
    metadata,
    Column("ags", String(8), nullable=False, index=True),
    Column("geom", Geometry("POLYGON", srid=4326, spatial_index=True), nullable=False),
)
