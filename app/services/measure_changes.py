"""Creating, changing, reviewing and deleting measures: the sequence every writer shares.

Each function runs in the caller's transaction: validate, check rights, write, and
return the stored Feature. Nothing is written when any step fails.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from app.auth.caller import Caller
from app.domain import access
from app.domain.catalogue import load_catalogue
from app.domain.review import rejection_errors, review_after_change, with_review_note
from app.domain.validation import (
    REVIEW_FIELDS,
    RULE_FIELDS,
    check_feature,
    check_rules,
    check_type_fits_geometry,
)
from app.errors import Forbidden, InvalidMeasure, NotFound, PreconditionFailed
from app.services import impacts
from app.sql import measure_writes


@dataclass(frozen=True)
class Stored:
    """A measure as stored: its id, version (the ETag) and Feature (UTF-8 JSON)."""

    id: uuid.UUID
    version: int
    feature: bytes

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


async def _stored(conn: asyncpg.Connection, caller: Caller, row: asyncpg.Record) -> Stored:
    """The written measure with its impact stored (the one rule, `services.impacts`), and
    its review note when the caller sees the review process."""
    if await impacts.store_impacts(conn, "measures", "id = $1", row["id"]):
        feature = bytes(await measure_writes.select_feature(conn, row["id"]))
    else:
        feature = bytes(row["feature"])
    if access.sees_review_process(caller, facts(row)):
        feature = with_review_note(feature, row["review_note"])
    return Stored(id=row["id"], version=row["version"], feature=feature)


def _invalid(errors: list[dict[str, str]]) -> InvalidMeasure:
    summary = "; ".join(f"{e['where'] or '/'}: {e['problem']}" for e in errors[:5])
    return InvalidMeasure(f"the measure was not stored: {summary}", errors=errors)


def checked(doc: Any, *, partial: bool, transform: Any = None):  # type: ignore[no-untyped-def]
    """Validate a Feature or merge patch; raise InvalidMeasure listing every problem.

    Review fields are checked as values here; who may set them is the access policy's
    question (403), asked once the municipality is known.
    """
    measure, errors = check_feature(
        doc, load_catalogue(), partial=partial, may_review=True, transform=transform
    )
    if errors or measure is None:
        raise _invalid(errors)
    return measure


def facts(row: asyncpg.Record) -> access.MeasureFacts:
    """The facts of a stored measure that rights depend on."""
    return access.MeasureFacts(row["partner"], row["municipality"], row["review_state"])


def _reviews(values: dict[str, Any], current: dict[str, Any] | None = None) -> bool:
    """Whether a write sets review fields; sending back the current values (a GET-edit-PUT
    round trip) is no review."""
    current = current or {}
    return any(name in values and values[name] != current.get(name) for name in REVIEW_FIELDS)


def _check_result(caller: Caller, row: asyncpg.Record, reviewed: bool) -> None:
    """The stored measure (its municipality derived from the new geometry) must lie where
    the caller may write, and review, when it named review fields. Raising here rolls
    the caller's transaction back: nothing stays stored."""
    measure = facts(row)
    if not access.may_change(caller, measure):
        raise Forbidden(f"this key may not write measures in municipality {measure.municipality}")
    if reviewed and not access.may_review(caller, measure.municipality):
        raise Forbidden(f"this key may not review measures in municipality {measure.municipality}")


async def create(
    conn: asyncpg.Connection, caller: Caller, doc: Any, transform: Any = None
) -> Stored:
    """Store a new measure of the caller; partners' measures await review."""
    measure = checked(doc, partial=False, transform=transform)
    errors = check_type_fits_geometry(
        load_catalogue(), measure.values["type"], measure.geometry["type"]
    )
    errors += rejection_errors(
        measure.values.get("review_state"), measure.values.get("review_note")
    )
    if errors:
        raise _invalid(errors)
    values = dict(measure.values)
    reviewed = _reviews(values)
    values.setdefault("review_state", "submitted")
    row = await measure_writes.insert_measure(conn, values, measure.geometry, caller.partner)
    if not access.may_create_in(caller, row["municipality"]):
        raise Forbidden(f"this key may not create measures in municipality {row['municipality']}")
    _check_result(caller, row, reviewed)
    return await _stored(conn, caller, row)


async def _current(
    conn: asyncpg.Connection, caller: Caller, measure_id: uuid.UUID, if_match: int | None
) -> asyncpg.Record:
    """The measure to change, locked: 404 when the caller may not see it, 403 when it
    sees it but may not change it, 412 when `if_match` is not its version."""
    row = await measure_writes.select_for_change(conn, measure_id)
    if row is None or not access.may_read(caller, facts(row)):
        raise NotFound(f"no measure {measure_id}")
    if not access.may_change(caller, facts(row)):
        raise Forbidden("this key may not change this measure")
    if if_match is not None and row["version"] != if_match:
        raise PreconditionFailed(
            f"the measure is at version {row['version']}, not {if_match}; reload and retry"
        )
    return row


async def change(
    conn: asyncpg.Connection,
    caller: Caller,
    measure_id: uuid.UUID,
    if_match: int,
    doc: Any,
    *,
    replace: bool,
    transform: Any = None,
) -> Stored:
    """PUT (replace) or PATCH (JSON merge patch) a measure at version `if_match`."""
    current = await _current(conn, caller, measure_id, if_match)
    measure = checked(doc, partial=not replace, transform=transform)
    values = dict(measure.values)
    # The stored Feature has no review note: compare with the column's.
    properties = orjson.loads(current["feature"])["properties"]
    reviewed = _reviews(values, {**properties, "review_note": current["review_note"]})
    if reviewed and not access.may_review(caller, current["municipality"]):
        raise Forbidden("only reviewers of this municipality and admins review measures")
    if not reviewed:
        for name in REVIEW_FIELDS:
            values.pop(name, None)
    else:
        after = {**properties, "review_note": current["review_note"], **values}
        errors = rejection_errors(after.get("review_state"), after.get("review_note"))
        if errors:
            raise _invalid(errors)
    if replace:
        # A replacement resets the facts it does not name; review fields stay unless named.
        for name in measure_writes.WRITABLE:
            if name not in REVIEW_FIELDS:
                values.setdefault(name, None)
        values["status"] = values["status"] or "planned"
    type_id = values.get("type") or current["type"]
    geometry_type = measure.geometry["type"] if measure.geometry else current["geometry_type"]
    errors = check_type_fits_geometry(load_catalogue(), type_id, _geojson_type(geometry_type))
    if errors:
        raise _invalid(errors)
    if not replace and set(measure.values) & set(RULE_FIELDS):
        merged = {**{name: current[name] for name in RULE_FIELDS}, **values}
        errors = check_rules(merged, load_catalogue())
        if errors:
            raise _invalid(errors)
    values = review_after_change(access.may_review(caller, current["municipality"]), values)
    row = await measure_writes.update_measure(
        conn, measure_id, if_match, values, measure.geometry, caller.partner
    )
    if row is None:  # cannot happen under FOR UPDATE; kept as the last guard
        raise PreconditionFailed("the measure changed meanwhile; reload and retry")
    _check_result(caller, row, reviewed)
    return await _stored(conn, caller, row)


async def delete(
    conn: asyncpg.Connection, caller: Caller, measure_id: uuid.UUID, if_match: int | None
) -> None:
    """Soft-delete a measure (at version `if_match` when given)."""
    row = await _current(conn, caller, measure_id, if_match)
    await measure_writes.delete_measure(conn, measure_id, row["version"], caller.partner)


def _geojson_type(postgis_type: str) -> str:
    names = {
        "POINT": "Point",
        "MULTIPOINT": "MultiPoint",
        "LINESTRING": "LineString",
        "MULTILINESTRING": "MultiLineString",
        "POLYGON": "Polygon",
        "MULTIPOLYGON": "MultiPolygon",
    }
    return names.get(postgis_type.upper(), postgis_type)
