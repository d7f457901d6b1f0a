"""Measures, and the history table that keeps every earlier version of each."""

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID

from app.db.meta import metadata

STATUSES = ("planned", "in_progress", "completed", "cancelled")
REVIEW_STATES = ("submitted", "published", "rejected")
# What anonymous callers read and statistics count (partial indexes serve it).
PUBLISHED = "deleted_at IS NULL AND review_state = 'published'"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


measures = Table(
    "measures",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("type", Text, ForeignKey("measure_types.id"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("status", Text, nullable=False, server_default="planned", index=True),
    Column("review_state", Text, nullable=False, server_default="submitted"),
    Column("review_note", Text),
    # Derived from the geometry by trigger; never taken from input.
    Column("municipality", String(8), ForeignKey("municipalities.ags"), nullable=False, index=True),
    Column("area_m2", Float, nullable=False),  # EPSG:25832; lines: length x type width
    Column("disconnected_area_m2", Float),
    # "given" by the partner or "derived" from the geometry (app.domain.accounting).
    Column("disconnected_area_source", Text),
    Column("retention_volume_m3", Float),
    Column("cost_eur", Float),
    Column("funding", Text),
    Column("completed_on", Date, index=True),
    # DWA-M 102-4 element parameters (migration 0009); defaults per type in the catalogue.
    Column("surface_before", Text),  # the surface the measure replaced
    Column("catchment_surface", Text),  # the surface of the connected area
    Column("substrate_depth_mm", Float),
    Column("storage_height_mm", Float),
    Column("paving_kind", Text),
    Column("kf_mm_h", Float),
    Column("cistern_use_l_per_day", Float),
    Column("irrigated_area_m2", Float),
    Column("partner", Text),  # the submitting partner (from the key)
    Column("changed_by", Text),  # who wrote the current version
    Column("source", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("deleted_at", DateTime(timezone=True)),  # soft delete; kept in history
    Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False),
    # The cached GeoJSON Feature (WGS84, all properties), kept by trigger.
    Column("feature", Text, nullable=False),
    # Web Mercator copy for vector tiles.
    Column(
        "geom_3857",
        Geometry("GEOMETRY", srid=3857, spatial_index=False),
        Computed("ST_Transform(geom, 3857)", persisted=True),
    ),
    # Water-balance impact in m³/a, derived by trigger (migration 0006).
    Column("runoff_avoided_m3", Float),
    Column("extra_evaporation_m3", Float),
    Column("extra_infiltration_m3", Float),
    # Written without If-Match: the last writer's change (migration 0012, ADR 0015).
    Column("last_writer", Boolean, nullable=False, server_default=text("false")),
    # A pending revision: the published measure it would change (migration 0012).
    Column("revision_of", UUID(as_uuid=True), ForeignKey("measures.id")),
    # What the text search `q` reads, kept by trigger (migration 0014): a german tsvector
    # of the names and description, and the names in ASCII folding (their words feed
    # `measure_search_words`).
    Column("search_doc", TSVECTOR),
    Column("search_text", Text),
    CheckConstraint(_one_of("status", STATUSES), name="status"),
    CheckConstraint(_one_of("review_state", REVIEW_STATES), name="review_state"),
    CheckConstraint("char_length(title) between 1 and 200", name="title_length"),
    CheckConstraint("char_length(description) <= 5000", name="description_length"),
    CheckConstraint(
        "disconnected_area_source IN ('given', 'derived')", name="disconnected_area_source"
    ),
    Index("ix_measures_geom", "geom", postgresql_using="gist"),
    Index("ix_measures_geom_3857", "geom_3857", postgresql_using="gist"),
    Index("ix_measures_search_doc", "search_doc", postgresql_using="gin"),
    Index("ix_measures_published_id", "id", postgresql_where=text(PUBLISHED)),
    Index(
        "ux_measures_pending_revision",
        "revision_of",
        unique=True,
        postgresql_where=text("deleted_at IS NULL AND review_state = 'submitted'"),
    ),
    Index(
        "ix_measures_published_statistics",
        "municipality",
        "type",
        postgresql_include=[
            "status",
            "completed_on",
            "area_m2",
            "disconnected_area_m2",
            "runoff_avoided_m3",
            "extra_evaporation_m3",
            "extra_infiltration_m3",
        ],
        postgresql_where=text(PUBLISHED),
    ),
)

measure_history = Table(
    "measure_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("measure_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("partner", Text),  # who wrote this version
    Column("snapshot", JSONB, nullable=False),  # the version as a GeoJSON Feature
    Column("last_writer", Boolean, nullable=False, server_default=text("false")),
)

# The words (five letters or more, ASCII-folded) of measures' names, kept by statement
# triggers (migration 0014): the search corrects a typo to the most alike of them.
measure_search_words = Table(
    "measure_search_words",
    metadata,
    Column("word", Text, primary_key=True),
    Index(
        "ix_measure_search_words_trigram",
        "word",
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    ),
)

# Every write to measures, baselines or boundaries bumps `data_version` (statement
# triggers); each API process keeps tiles and statistics while it has not moved on.
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# Sums of published, undeleted measures per (municipality, type, status, completion
# year; 0: not completed), maintained by statement triggers; see the 0008 migration.
measure_statistics = Table(
    "measure_statistics",
    metadata,
    Column("municipality", String(8), primary_key=True),
    Column("type", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("count", BigInteger, nullable=False),
    *(
        Column(name, Numeric, nullable=False)
        for name in (
            "area_m2",
            "disconnected_area_m2",
            "runoff_avoided_m3",
            "extra_evaporation_m3",
            "extra_infiltration_m3",
        )
    ),
)
