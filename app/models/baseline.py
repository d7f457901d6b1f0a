"""Municipal baselines for the Klima.Werk targets: sealed area, evaporation, precipitation."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    func,
)

from app.db.meta import metadata

municipality_baselines = Table(
    "municipality_baselines",
    metadata,
    Column("ags", String(8), ForeignKey("municipalities.ags"), primary_key=True),
    Column("sealed_area_m2", Float),
    Column("sealed_source", Text),
    Column("sealed_year", Integer),
    Column("evaporation_rate", Float, comment="share of precipitation, 0..1"),
    Column("evaporation_source", Text),
    Column("precipitation_mm", Float, comment="long-term annual mean"),
    Column("precipitation_source", Text),
    Column("is_demo", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("sealed_area_m2 > 0", name="sealed_area_positive"),
    CheckConstraint("evaporation_rate between 0 and 1", name="evaporation_share"),
    CheckConstraint("precipitation_mm between 200 and 2000", name="precipitation_plausible"),
)
