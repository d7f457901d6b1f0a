"""Partners, their API keys (only a hash of each key is stored) and idempotency keys."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
)

from app.db.meta import metadata

partners = Table(
    "partners",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("partner_id", BigInteger, ForeignKey("partners.id"), nullable=False),
    Column("role", Text, nullable=False),
    Column("municipalities", ARRAY(String(8)), nullable=False, server_default="{}"),
    Column("key_prefix", Text, nullable=False),  # first characters, to recognise a key
    Column("key_hash", Text, nullable=False, unique=True),  # SHA-256 of the whole key
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    CheckConstraint("role in ('partner', 'reviewer', 'admin')", name="role"),
)

# The first response to a POST with an Idempotency-Key, returned again on a retry.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("partner", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("location", Text, nullable=False),
    Column("etag", Text, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("partner", "key"),
)
