"""The measure-type catalogue as a table, synced from `app/domain/measure_types.json`."""

from sqlalchemy import ARRAY, Boolean, Column, Float, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from app.db.meta import metadata

measure_types = Table(
    "measure_types",
    metadata,
    Column("id", Text, primary_key=True),
    Column("label_de", Text, nullable=False),
    Column("label_en", Text, nullable=False),
    Column("geometry_types", ARRAY(Text), nullable=False),
    Column("line_width_m", Float),  # nominal width turning a line's length into area
    Column("drains_catchment", Boolean, nullable=False, server_default="false"),
    # Descriptions, the DWA-M 102-4 model and a fingerprint of the element table.
    Column("details", JSONB, nullable=False, server_default="{}"),
)
