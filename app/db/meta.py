"""The MetaData of all tables, with a naming convention so constraint names are stable."""

from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Tables PostGIS creates with its extension: part of the database, not of this schema.
POSTGIS_TABLES = frozenset({"spatial_ref_sys"})


def is_ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's `include_object`: compare everything but PostGIS's own tables."""
    return not (type_ == "table" and name in POSTGIS_TABLES)
