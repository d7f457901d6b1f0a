"""Creating, changing, reviewing and deleting measures: the sequence every writer shares.

Each function runs in the caller's transaction: validate, check rights, write, and
return the stored Feature. Nothing is written when any step fails.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from app.auth.caller import Caller
from app.domain import access, messages
from app.domain.accounting import DERIVED, GIVEN
from app.domain.catalogue import load_catalogue
from app.domain.review import rejection_errors, review_after_change, with_review_note
from app.domain.unchanged import is_unchanged
from app.domain.validation import (
    REVIEW_FIELDS,
    RULE_FIELDS,
    check_feature,
    check_rules,
    check_type_fits_geometry,
)
from app.errors import Forbidden, InvalidMeasure, NotFound, PreconditionFailed
from app.services import impacts
from app.sql import measure_writes, measures, municipalities


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


def _invalid(errors: list[dict[str, Any]]) -> InvalidMeasure:
    summary = "; ".join(f"{e['where'] or '/'}: {e['problem']}" for e in errors[:5])
    return InvalidMeasure(
        f"the measure was not stored: {summary}", errors=errors, code="measure.not_stored"
    )


async def _forbidden_in(
    conn: asyncpg.Connection, code: str, ags: str | None, *, by_geometry: bool = True
) -> Forbidden:
    """403 naming the municipality by its name (the AGS in the English text, as before);
    where the geometry decided it, the problem points at the geometry."""
    city = await municipalities.select_name(conn, ags)
    params = {"ags": ags, "city": city}
    errors = (
        [messages.problem("/geometry", "geometry.reaches_into", **params)] if by_geometry else []
    )
    return Forbidden(messages.text(code, "en", **params), code=code, params=params, errors=errors)


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


async def _check_result(
    conn: asyncpg.Connection, caller: Caller, row: asyncpg.Record, reviewed: bool
) -> None:
    """The stored measure (its municipality derived from the new geometry) must lie where
    the caller may write, every part of it for a scoped key, and where it may review
    when it named review fields. Raising here rolls the caller's transaction back:
    nothing stays stored."""
    measure = facts(row)
    if access.scoped(caller):
        outside = access.outside_scope(
            caller, [r["ags"] for r in await measures.select_reached(conn, row["id"])]
        )
        if outside:
            names = [await municipalities.select_name(conn, ags) or ags for ags in outside]
            params = {"city": ", ".join(names), "ags": ", ".join(outside)}
            raise Forbidden(
                messages.text("access.scope_outside", "en", **params),
                code="access.scope_outside",
                params=params,
                errors=[messages.problem("/geometry", "geometry.reaches_into", **params)],
            )
    if not access.may_change(caller, measure):
        raise await _forbidden_in(conn, "access.write_in", measure.municipality)
    if reviewed and not access.may_review(caller, measure.municipality):
        raise await _forbidden_in(conn, "access.review_in", measure.municipality, by_geometry=False)


def _with_area_source(
    values: dict[str, Any], current: asyncpg.Record | None = None
) -> dict[str, Any]:
    """Mark a disconnected area the request names as given; a null one (or none on a
    replacement) leaves it to the accounting rule, which `_stored` applies. A derived
    value sent back unchanged (a client that PUTs what it fetched) stays derived, so it
    keeps following the geometry."""
    if "disconnected_area_m2" in values:
        value = values["disconnected_area_m2"]
        sent_back = (
            current is not None
            and current["disconnected_area_source"] == DERIVED
            and value == current["disconnected_area_m2"]
        )
        if sent_back:
            values["disconnected_area_m2"] = value = None
        values["disconnected_area_source"] = None if value is None else GIVEN
    return values


def _as_compared(values: dict[str, Any], current: asyncpg.Record) -> dict[str, Any]:
    """`values` as the stored Feature would show them: an area left to the accounting
    rule (none given) of a measure whose area is derived stays what it is."""
    left_to_rule = (
        values.get("disconnected_area_m2") is None
        and values.get("disconnected_area_source") is None
        and current["disconnected_area_source"] == DERIVED
    )
    if not left_to_rule:
        return values
    return {
        k: v
        for k, v in values.items()
        if k not in ("disconnected_area_m2", "disconnected_area_source")
    }


async def create(
    conn: asyncpg.Connection, caller: Caller, doc: Any, transform: Any = None
) -> Stored:
    """Store a new measure of the caller; partners' measures await review."""
    # In a thread: a big geometry takes a while to validate, and the event loop keeps
    # answering other requests meanwhile. `checked` also fits the type to the geometry:
    # every problem in one answer.
    measure = await asyncio.to_thread(checked, doc, partial=False, transform=transform)
    errors = rejection_errors(measure.values.get("review_state"), measure.values.get("review_note"))
    if errors:
        raise _invalid(errors)
    values = _with_area_source(dict(measure.values))
    reviewed = _reviews(values)
    values.setdefault("review_state", "submitted")
    row = await measure_writes.insert_measure(conn, values, measure.geometry, caller.partner)
    # Where the measure counts first (the refusal names that city), then every part.
    if not access.may_create_in(caller, row["municipality"]):
        raise await _forbidden_in(conn, "access.create_in", row["municipality"])
    await _check_result(conn, caller, row, reviewed)
    return await _stored(conn, caller, row)


async def _current(
    conn: asyncpg.Connection, caller: Caller, measure_id: uuid.UUID, if_match: int | None
) -> asyncpg.Record:
    """The measure to change, locked: 404 when the caller may not see it, 403 when it
    sees it but may not change it, 412 when `if_match` is not its version."""
    row = await measure_writes.select_for_change(conn, measure_id)
    if row is None or not access.may_read(caller, facts(row)):
        raise NotFound(
            f"no measure {measure_id}", code="measure.not_found", params={"id": measure_id}
        )
    if not access.may_change(caller, facts(row)):
        raise Forbidden("this key may not change this measure", code="access.change")
    if if_match is not None and row["version"] != if_match:
        raise PreconditionFailed(
            f"the measure is at version {row['version']}, not {if_match}; reload and retry",
            code="measure.stale",
            params={"current": row["version"], "sent": if_match},
        )
    return row


def _review_part(caller: Caller, current: asyncpg.Record, values: dict[str, Any]) -> bool:
    """Whether the change reviews the measure (checked: the caller may, and a rejection
    has its reason); review fields that change nothing are dropped from `values`."""
    # The stored Feature has no review note: compare with the column's.
    properties = orjson.loads(current["feature"])["properties"]
    before = {**properties, "review_note": current["review_note"]}
    reviewed = _reviews(values, before)
    if reviewed and not access.may_review(caller, current["municipality"]):
        raise Forbidden(
            "only reviewers of this municipality and admins review measures",
            code="access.review_only",
        )
    if not reviewed:
        for name in REVIEW_FIELDS:
            values.pop(name, None)
        return False
    after = {**before, **values}
    errors = rejection_errors(after.get("review_state"), after.get("review_note"))
    if errors:
        raise _invalid(errors)
    return True


async def change(
    conn: asyncpg.Connection,
    caller: Caller,
    measure_id: uuid.UUID,
    if_match: int | None,
    doc: Any,
    *,
    replace: bool,
    transform: Any = None,
) -> Stored:
    """PUT (replace) or PATCH (JSON merge patch) a measure at version `if_match`, or, with
    None (no If-Match sent), at whatever version it has: the last writer's change."""
    current = await _current(conn, caller, measure_id, if_match)
    measure = await asyncio.to_thread(checked, doc, partial=not replace, transform=transform)
    values = dict(measure.values)
    reviewed = _review_part(caller, current, values)
    if replace:
        # A replacement resets the facts it does not name; review fields stay unless named.
        for name in measure_writes.WRITABLE:
            if name not in REVIEW_FIELDS:
                values.setdefault(name, None)
        values["status"] = values["status"] or "planned"
    values = _with_area_source(values, current)
    if not reviewed and is_unchanged(
        orjson.loads(current["feature"]), _as_compared(values, current), measure.geometry
    ):
        # Nothing to store: the current version answers, and no review starts again.
        return await _stored(conn, caller, current)
    type_id = values.get("type") or current["type"]
    geometry_type = measure.geometry["type"] if measure.geometry else current["geometry_type"]
    errors = check_type_fits_geometry(load_catalogue(), type_id, _geojson_type(geometry_type))
    if not replace and set(measure.values) & set(RULE_FIELDS):
        merged = {**{name: current[name] for name in RULE_FIELDS}, **values}
        errors += check_rules(merged, load_catalogue())
    if errors:
        raise _invalid(errors)
    values = review_after_change(access.may_review(caller, current["municipality"]), values)
    if _kept_published(caller, current):
        return await _revise(conn, caller, current, values, measure.geometry, if_match)
    row = await measure_writes.update_measure(
        conn,
        measure_id,
        current["version"],
        values,
        measure.geometry,
        caller.partner,
        last_writer=if_match is None,
    )
    if row is None:  # cannot happen under FOR UPDATE; kept as the last guard
        raise PreconditionFailed(
            "the measure changed meanwhile; reload and retry", code="measure.changed_meanwhile"
        )
    await _check_result(conn, caller, row, reviewed)
    return await _stored(conn, caller, await _applied(conn, caller, row))


async def _applied(conn: asyncpg.Connection, caller: Caller, row: asyncpg.Record) -> asyncpg.Record:
    """The written row; for a revision a reviewer just published, the published measure
    it changed, now at its next version."""
    if row["revision_of"] is None or row["review_state"] != "published":
        return row
    applied = await measure_writes.apply_revision(conn, row["id"], caller.partner)
    if applied is None:
        raise NotFound(f"the measure {row['revision_of']} this revision would change is gone")
    return applied


def _kept_published(caller: Caller, current: asyncpg.Record) -> bool:
    """Whether a change waits for review as a pending revision: a published measure
    changed by someone who may not review it (the public keeps the published version)."""
    return (
        current["review_state"] == "published"
        and current["revision_of"] is None
        and not access.may_review(caller, current["municipality"])
    )


async def _revise(
    conn: asyncpg.Connection,
    caller: Caller,
    current: asyncpg.Record,
    values: dict[str, Any],
    geometry: dict[str, Any] | None,
    if_match: int | None,
) -> Stored:
    """Keep the change as the measure's pending revision (a new one, or the one waiting
    already): the whole measure as it would be, submitted for review."""
    pending = await measure_writes.select_pending_revision(conn, current["id"])
    # A patch changes the waiting revision if there is one, else the published measure.
    base = await measure_writes.select_values(conn, pending["id"] if pending else current["id"])
    # The accounting's given/derived mark travels with the area it describes.
    kept = (*measure_writes.CLIENT_FIELDS, "disconnected_area_source")
    merged = {**{name: base[name] for name in kept}, **values}
    shape = geometry or orjson.loads(base["geometry"])
    if pending is None:
        row = await measure_writes.insert_measure(
            conn, merged, shape, current["partner"], revision_of=current["id"]
        )
    else:
        row = await measure_writes.update_measure(
            conn,
            pending["id"],
            pending["version"],
            merged,
            shape,
            caller.partner,
            last_writer=if_match is None,
        )
    await _check_result(conn, caller, row, False)
    return await _stored(conn, caller, row)


async def delete(
    conn: asyncpg.Connection, caller: Caller, measure_id: uuid.UUID, if_match: int | None
) -> None:
    """Soft-delete a measure (at version `if_match` when given)."""
    row = await _current(conn, caller, measure_id, if_match)
    await measure_writes.delete_measure(
        conn, measure_id, row["version"], caller.partner, last_writer=if_match is None
    )


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
