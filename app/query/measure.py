"""What a caller asks of the measures collection: filters, paging position, sort,
output CRS and which measures it may see."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.errors import InvalidParameter
from app.query.crs import CRS84, Crs
from app.query.where import Where

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Cursor:
    """A position between two features: page forward (after) or backward (before) `key`."""

    forward: bool
    key: list[Any]

    def encode(self) -> str:
        raw = orjson.dumps({"f": self.forward, "k": self.key})
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, token: str | None) -> Cursor | None:
        if token is None:
            return None
        invalid = InvalidParameter("cursor is not one this server handed out")
        try:
            data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (binascii.Error, ValueError, orjson.JSONDecodeError):
            raise invalid from None
        if not isinstance(data, dict) or not isinstance(data.get("f"), bool):
            raise invalid
        key = data.get("k")
        # A position is a non-empty list of plain values (the sort keys, then the id).
        if not isinstance(key, list) or not key or not all(_is_scalar(v) for v in key):
            raise invalid
        return cls(forward=data["f"], key=key)


def _is_scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


@dataclass(frozen=True)
class SortKey:
    """One `sortby` key: a column, the kind of its values, and the direction."""

    column: str
    kind: str
    descending: bool = False


@dataclass(frozen=True)
class Visibility:
    """Which measures a caller may read: published ones, plus its own or its region's.

    Made by the access policy (`app.domain.access.visibility`); `condition` and `admits`
    are the same rule in SQL and in Python (tests/domain/test_access.py holds them equal).
    """

    everything: bool = False
    partner: str | None = None
    municipalities: tuple[str, ...] = ()

    def admits(self, partner: str | None, municipality: str | None, review_state: str) -> bool:
        """Whether a measure with these facts is visible."""
        return (
            self.everything
            or review_state == "published"
            or (bool(self.partner) and partner == self.partner)
            or (municipality is not None and municipality in self.municipalities)
        )

    def condition(self, where: Where) -> str | None:
        """The SQL condition (None: no restriction)."""
        if self.everything:
            return None
        alternatives = ["review_state = 'published'"]
        if self.partner:
            alternatives.append(f"partner = {where.param(self.partner)}")
        if self.municipalities:
            alternatives.append(
                f"municipality = ANY({where.param(list(self.municipalities))}::text[])"
            )
        return "(" + " OR ".join(alternatives) + ")"

    def review_condition(self, where: Where) -> str:
        """The SQL condition for measures whose review process (notes) the caller sees:
        the visible ones beyond the published, as `access.sees_review_process` decides.

        Equal to that rule because every stored measure has a municipality (the write
        trigger refuses one outside the region) and reviewers see their municipalities'.
        """
        if self.everything:
            return "true"
        alternatives = []
        if self.partner:
            alternatives.append(f"partner = {where.param(self.partner)}")
        if self.municipalities:
            alternatives.append(
                f"municipality = ANY({where.param(list(self.municipalities))}::text[])"
            )
        return "(" + (" OR ".join(alternatives) or "false") + ")"

    @property
    def anonymous(self) -> bool:
        return not (self.everything or self.partner or self.municipalities)


@dataclass
class MeasureQuery:
    """What a caller asks of the measures collection."""

    bbox: BBox | None = None
    bbox_srid: int = 4326
    limit: int = 100
    cursor: Cursor | None = None
    municipality: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    review_state: list[str] = field(default_factory=list)
    completed: tuple[dt.date | None, dt.date | None] | None = None
    filter: Where | None = None
    # `q`: terms (each its words joined by spaces); a measure matches any term.
    search: tuple[str, ...] = ()
    sortby: list[SortKey] = field(default_factory=list)
    crs: Crs = CRS84
    drop_properties: list[str] = field(default_factory=list)
    visibility: Visibility = field(default_factory=Visibility)
