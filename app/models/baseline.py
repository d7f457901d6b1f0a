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
    # DWA-M 102-4 climate and the undeveloped reference split (migration 0009).
    Column("etp_mm", Float),  # potential grass-reference evapotranspiration, mm/a
    Column("climate_source", Text),
    Column("reference_runoff", Float),
    Column("reference_infiltration", Float),
    Column("reference_evaporation", Float),
    Column("reference_source", Text),
    Column("is_demo", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("sealed_area_m2 > 0", name="sealed_area_positive"),
    CheckConstraint("evaporation_rate between 0 and 1", name="evaporation_share"),
    CheckConstraint("precipitation_mm between 200 and 2000", name="precipitation_plausible"),
    CheckConstraint("etp_mm between 200 and 1500", name="etp_plausible"),
    CheckConstraint(
        "reference_runoff IS NULL OR (reference_infiltration IS NOT NULL"
        " AND reference_evaporation IS NOT NULL AND reference_source IS NOT NULL"
        " AND least(reference_runoff, reference_infiltration, reference_evaporation) >= 0"
        " AND abs(reference_runoff + reference_infiltration + reference_evaporation - 1)"
        " < 0.001)",
        name="reference_split",
    ),
)
