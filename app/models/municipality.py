"""The 17 Klima.Werk municipalities with their VG250 boundaries."""

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Column, Computed, Float, Index, String, Table, Text

from app.db.meta import metadata

municipalities = Table(
    "municipalities",
    metadata,
    Column("ags", String(8), primary_key=True),  # 8-digit Amtlicher Gemeindeschlüssel
    Column("name", Text, nullable=False),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    # Area in EPSG:25832.
    Column("area_m2", Float, Computed("ST_Area(ST_Transform(geom, 25832))", persisted=True)),
    CheckConstraint("ags ~ '^[0-9]{8}$'", name="ags_format"),
    Index("ix_municipalities_geom", "geom", postgresql_using="gist"),
)

# Boundaries cut into small pieces so that point-in-municipality tests stay cheap.
municipality_parts = Table(
    "municipality_parts",
    metadata,
    Column("ags", String(8), nullable=False, index=True),
    Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
    Index("ix_municipality_parts_geom", "geom", postgresql_using="gist"),
)
