"""The access policy: what a caller may read, create, change, delete, review and publish.

Every decision about rights asks this module: the visibility of lists, tiles and single
measures (as SQL through `Visibility.condition`, in Python through `Visibility.admits`),
the write checks of the API and importer, the history and review notes a caller sees,
`/me` and the `actions` of an item. The README's role table states the same rules.

- anonymous: reads published measures; writes nothing.
- partner: reads published measures and its own; creates in its key's municipalities
  (all when the key names none); changes and deletes its own there.
- reviewer: reads published measures, its own and all in its municipalities (the whole
  region when the key names none); creates, changes, deletes, publishes and rejects
  in its municipalities.
- admin: everything, everywhere.
A key's municipalities bound the municipality a measure has before *and after* a
change: a move across a border needs the right on both sides. A scoped key must hold
every municipality the geometry reaches, not only the one holding its largest share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from app.query.measure import Visibility

ROLES = ("anonymous", "partner", "reviewer", "admin")
ACTIONS = ("update", "delete", "publish", "reject")


class Who(Protocol):
    """The caller as the policy sees it (`app.auth.caller.Caller` is one)."""

    @property
    def role(self) -> str: ...

    @property
    def partner(self) -> str | None: ...

    @property
    def municipalities(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class MeasureFacts:
    """What the policy needs to know of a measure: owner, municipality, review state."""

    partner: str | None
    municipality: str | None
    review_state: str


def identified(who: Who) -> bool:
    """Whether a key identifies the caller (writes need one: 401 otherwise)."""
    return who.role != "anonymous"


def in_scope(who: Who, municipality: str | None) -> bool:
    """Whether the key may write or review in `municipality`: its municipalities, or all
    of them when it names none; admins everywhere."""
    if who.role == "admin":
        return True
    if not identified(who) or municipality is None:
        return False
    return not who.municipalities or municipality in who.municipalities


def scoped(who: Who) -> bool:
    """Whether the key is limited to some municipalities (admins never are)."""
    return who.role != "admin" and bool(who.municipalities)


def outside_scope(who: Who, reached: Iterable[str]) -> list[str]:
    """The municipalities a measure reaches (every part of it, `app.domain.region`) that
    the caller may not write in: a scoped key must hold all of them."""
    return [ags for ags in reached if not in_scope(who, ags)]


def owns(who: Who, measure: MeasureFacts) -> bool:
    """Whether the measure is the caller's partner's own."""
    return identified(who) and who.partner is not None and who.partner == measure.partner


def unlimited(role: str) -> bool:
    """Whether callers of `role` are exempt from the request budgets (admins: they
    repair and migrate data in bulk)."""
    return role == "admin"


def visibility(who: Who) -> Visibility:
    """Which measures the caller may read: the one rule behind lists, tiles, items."""
    if who.role == "admin" or (who.role == "reviewer" and not who.municipalities):
        return Visibility(everything=True)
    if who.role == "reviewer":
        return Visibility(partner=who.partner, municipalities=who.municipalities)
    if who.role == "partner":
        return Visibility(partner=who.partner)
    return Visibility()


def may_read(who: Who, measure: MeasureFacts) -> bool:
    """Whether the caller may see the measure (404 otherwise)."""
    return visibility(who).admits(measure.partner, measure.municipality, measure.review_state)


def may_create_in(who: Who, municipality: str | None) -> bool:
    """Whether the caller may create a measure lying in `municipality`."""
    return who.role in ("partner", "reviewer", "admin") and in_scope(who, municipality)


def may_change(who: Who, measure: MeasureFacts) -> bool:
    """Whether the caller may update or delete the measure as it is (or would be)."""
    if who.role in ("reviewer", "admin"):
        return in_scope(who, measure.municipality)
    return who.role == "partner" and owns(who, measure) and in_scope(who, measure.municipality)


def may_review(who: Who, municipality: str | None) -> bool:
    """Whether the caller may set `review_state`/`review_note` (publish, reject) there."""
    return who.role in ("reviewer", "admin") and in_scope(who, municipality)


def may_operate(who: Who) -> bool:
    """Whether the caller sees how the service runs (metrics, database hosts, versions):
    admins only."""
    return who.role == "admin"


def may_set_baselines(who: Who) -> bool:
    """Whether the caller may set a municipality's baseline (admins only)."""
    return who.role == "admin"


def sees_review_process(who: Who, measure: MeasureFacts) -> bool:
    """Whether the caller sees unpublished versions, review notes and reviewers in the
    measure's history, and its `review_note` on items and in exports: its owner, its
    reviewers and admins; everyone else sees what was published, without the note.
    In SQL: `Visibility.review_condition`."""
    return owns(who, measure) or may_review(who, measure.municipality)


def actions(who: Who, measure: MeasureFacts) -> list[str]:
    """What the caller may do on the measure now: a subset of ACTIONS, in that order."""
    done = []
    if may_change(who, measure):
        done += ["update", "delete"]
    if may_review(who, measure.municipality):
        if measure.review_state != "published":
            done.append("publish")
        if measure.review_state != "rejected":
            done.append("reject")
    return done


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def allowed_on_items(who: Who) -> list[str]:
    """The `Allow` of `/collections/measures/items` for the caller: everyone reads; a key
    that may create somewhere (a partner, reviewer or admin) may also POST."""
    # Every key may create in its municipalities (all of them when it names none).
    return [*READ_METHODS, "POST"] if identified(who) else list(READ_METHODS)


def allowed_on_item(who: Who, measure: MeasureFacts) -> list[str]:
    """The `Allow` of one measure for the caller: PUT, PATCH and DELETE when it may change
    the measure as it is now (QGIS enables editing from this answer)."""
    if may_change(who, measure):
        return [*READ_METHODS, "PUT", "PATCH", "DELETE"]
    return list(READ_METHODS)


def capabilities(who: Who, municipalities: Iterable[str]) -> dict[str, object]:
    """What `/me` reports: the caller, and where it may create and review among
    `municipalities` (every municipality of the region)."""
    every = sorted(municipalities)
    create_in = [ags for ags in every if may_create_in(who, ags)]
    review_in = [ags for ags in every if may_review(who, ags)]
    return {
        "role": who.role,
        "partner": who.partner,
        "municipalities": sorted(who.municipalities),
        "capabilities": {
            "read_unpublished": identified(who),
            "create": bool(create_in),
            "create_in": create_in,
            "review": bool(review_in),
            "review_in": review_in,
            "admin": who.role == "admin",
        },
    }
