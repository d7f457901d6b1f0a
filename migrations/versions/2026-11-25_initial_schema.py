"""Initial schema: municipalities, catalogue, measures with derivation and history, keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from migrations.sql import function_sql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Derivation, the cached Feature and history: migrations/sql/<function>/0001.sql.
FUNCTIONS = (
    "measure_feature_json",
    "measure_municipality",
    "measure_area_m2",
    "measures_before_write",
    "measures_keep_history",
    "municipalities_refresh_parts",
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    # Timestamps in cached Feature texts render in UTC whoever writes them.
    op.execute(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = ''UTC''', "
        "current_database()); END $$"
    )

    op.create_table(
        "municipalities",
        sa.Column("ags", sa.String(8), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False),
        sa.Column(
            "area_m2", sa.Float, sa.Computed("ST_Area(ST_Transform(geom, 25832))", persisted=True)
        ),
        sa.CheckConstraint("ags ~ '^[0-9]{8}$'", name="ags_format"),
    )
    op.create_index("ix_municipalities_geom", "municipalities", ["geom"], postgresql_using="gist")
    op.create_table(
        "municipality_parts",
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("geom", Geometry("POLYGON", 4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_municipality_parts_ags", "municipality_parts", ["ags"])
    op.create_index(
        "ix_municipality_parts_geom", "municipality_parts", ["geom"], postgresql_using="gist"
    )

    op.create_table(
        "measure_types",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("label_de", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
        sa.Column("geometry_types", ARRAY(sa.Text), nullable=False),
        sa.Column("line_width_m", sa.Float),
        sa.Column("drains_catchment", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("details", JSONB, nullable=False, server_default="{}"),
    )

    op.create_table(
        "measures",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("type", sa.Text, sa.ForeignKey("measure_types.id"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="planned"),
        sa.Column("review_state", sa.Text, nullable=False, server_default="submitted"),
        sa.Column("review_note", sa.Text),
        sa.Column(
            "municipality", sa.String(8), sa.ForeignKey("municipalities.ags"), nullable=False
        ),
        sa.Column("area_m2", sa.Float, nullable=False),
        sa.Column("disconnected_area_m2", sa.Float),
        sa.Column("retention_volume_m3", sa.Float),
        sa.Column("cost_eur", sa.Float),
        sa.Column("funding", sa.Text),
        sa.Column("completed_on", sa.Date),
        sa.Column("partner", sa.Text),
        sa.Column("changed_by", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("geom", Geometry("GEOMETRY", 4326, spatial_index=False), nullable=False),
        sa.Column("feature", sa.Text, nullable=False),
        # Tiles are cut in Web Mercator; transforming each feature per tile request
        # was most of a tile's cost.
        sa.Column(
            "geom_3857",
            Geometry("GEOMETRY", 3857, spatial_index=False),
            sa.Computed("ST_Transform(geom, 3857)", persisted=True),
        ),
        sa.CheckConstraint(
            "status in ('planned', 'in_progress', 'completed', 'cancelled')", name="status"
        ),
        sa.CheckConstraint(
            "review_state in ('submitted', 'published', 'rejected')", name="review_state"
        ),
        sa.CheckConstraint("char_length(title) between 1 and 200", name="title_length"),
        sa.CheckConstraint("char_length(description) <= 5000", name="description_length"),
    )
    op.create_index("ix_measures_geom", "measures", ["geom"], postgresql_using="gist")
    op.create_index("ix_measures_geom_3857", "measures", ["geom_3857"], postgresql_using="gist")
    for column in ("municipality", "type", "status", "completed_on"):
        op.create_index(f"ix_measures_{column}", "measures", [column])

    op.create_table(
        "measure_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("measure_id", UUID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner", sa.Text),
        sa.Column("snapshot", JSONB, nullable=False),
    )
    op.create_index("ix_measure_history_measure_id", "measure_history", ["measure_id"])

    op.create_table(
        "partners",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("partner_id", sa.BigInteger, sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("municipalities", ARRAY(sa.String(8)), nullable=False, server_default="{}"),
        sa.Column("key_prefix", sa.Text, nullable=False),
        sa.Column("key_hash", sa.Text, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("role in ('partner', 'reviewer', 'admin')", name="role"),
    )

    for name in FUNCTIONS:
        op.execute(function_sql(name, "0001"))
    op.execute(
        "CREATE TRIGGER measures_before_write BEFORE INSERT OR UPDATE ON measures "
        "FOR EACH ROW EXECUTE FUNCTION measures_before_write()"
    )
    op.execute(
        "CREATE TRIGGER measures_keep_history AFTER UPDATE OR DELETE ON measures "
        "FOR EACH ROW EXECUTE FUNCTION measures_keep_history()"
    )
    op.execute(
        "CREATE TRIGGER municipalities_refresh_parts AFTER INSERT OR UPDATE OR DELETE "
        "ON municipalities FOR EACH STATEMENT EXECUTE FUNCTION municipalities_refresh_parts()"
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_table("partners")
    op.drop_table("measure_history")
    op.execute("DROP TABLE measures CASCADE")
    op.execute("DROP FUNCTION IF EXISTS measure_feature_json(measures)")
    op.execute("DROP FUNCTION IF EXISTS measures_before_write()")
    op.execute("DROP FUNCTION IF EXISTS measures_keep_history()")
    op.execute("DROP FUNCTION IF EXISTS measure_municipality(geometry)")
    op.execute("DROP FUNCTION IF EXISTS measure_area_m2(geometry, double precision)")
    op.drop_table("measure_types")
    op.drop_table("municipality_parts")
    op.drop_table("municipalities")
    op.execute("DROP FUNCTION IF EXISTS municipalities_refresh_parts()")
