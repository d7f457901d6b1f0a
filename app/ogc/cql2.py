"""CQL2 (text or JSON) to one SQL condition with bound parameters.

The `cql2` library parses and validates both encodings into CQL2-JSON; this module
only walks that JSON tree and emits SQL from fixed fragments, binding every literal.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import cql2
from shapely.errors import ShapelyError
from shapely.geometry import shape

from app.errors import InvalidFilter, InvalidParameter
from app.ogc.crs import check_in_extent
from app.ogc.filter_limits import check_filter_bounds
from app.ogc.queryables import Queryable
from app.query.where import SQL_CASTS as CASTS
from app.query.where import Where

MAX_DEPTH = 64
# int8, the cast of integer literals: a bigger number would be a database error.
INTEGER_RANGE = (-(2**63), 2**63 - 1)

COMPARISONS = {"=": "=", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
SPATIAL = {
    "s_intersects": "ST_Intersects",
    "s_within": "ST_Within",
    "s_contains": "ST_Contains",
    "s_disjoint": "ST_Disjoint",
    "s_equals": "ST_Equals",
    "s_touches": "ST_Touches",
    "s_crosses": "ST_Crosses",
    "s_overlaps": "ST_Overlaps",
}
# How many arguments each predicate takes (and/or: at least two, as in the CQL2 schema);
# the parser of cql2-json does not check this.
ARITY = {
    "not": 1,
    "like": 2,
    "between": 3,
    "in": 2,
    "isnull": 1,
    "casei": 1,
    **dict.fromkeys(COMPARISONS, 2),
    **dict.fromkeys(SPATIAL, 2),
}


def parse(text: str, lang: str | None) -> dict[str, Any]:
    """Parse a filter in `cql2-text` (default) or `cql2-json` into CQL2-JSON."""
    lang = lang or "cql2-text"
    if lang not in ("cql2-text", "cql2-json"):
        raise InvalidFilter(f"filter-lang must be cql2-text or cql2-json, got {lang!r}")
    check_filter_bounds(text, lang)
    try:
        expr = cql2.parse_text(text) if lang == "cql2-text" else cql2.parse_json(text)
        return expr.to_json()
    # The library also raises a bare Exception ("processing geometry `Missing closing
    # parenthesis`") for malformed WKT; whatever it raises here comes from the input.
    except Exception as exc:
        message = " ".join(str(exc).split())
        raise InvalidFilter(f"filter is not valid {lang}: {message}") from None


class Translator:
    """Turns one CQL2-JSON tree into SQL against the given queryables."""

    def __init__(self, queryables: dict[str, Queryable], where: Where, srid: int = 4326):
        self.queryables = queryables
        self.where = where
        self.srid = srid

    def condition(self, node: Any, depth: int = 0) -> str:
        """A boolean SQL expression for a CQL2 predicate node."""
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"filter nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, bool):
            return "true" if node else "false"
        if not isinstance(node, dict) or "op" not in node:
            raise InvalidFilter(f"expected a predicate, got {_show(node)}")
        op, args = str(node["op"]).lower(), node.get("args", [])
        _check_arity(op, args)
        if op in ("and", "or"):
            joined = f" {op.upper()} ".join(self.condition(a, depth + 1) for a in args)
            return f"({joined})"
        if op == "not":
            return f"(NOT {self.condition(args[0], depth + 1)})"
        if op in COMPARISONS:
            return self._comparison(COMPARISONS[op], args)
        if op in SPATIAL:
            return self._spatial(SPATIAL[op], args)
        if op.startswith("t_"):
            return self._temporal(op, args)
        handler = self._predicates().get(op)
        if handler is None:
            raise InvalidFilter(f"the operator {node['op']!r} is not supported")
        return handler(args)

    def _predicates(self) -> dict[str, Any]:
        return {
            "like": self._like,
            "between": self._between,
            "in": self._in,
            "isnull": self._isnull,
        }

    def _like(self, args: list[Any]) -> str:
        lhs, kind = self.operand(args[0])
        self._expect(kind, "text", args[0])
        return f"({lhs} LIKE {self._literal(args[1], 'text')})"

    def _between(self, args: list[Any]) -> str:
        lhs, kind = self.operand(args[0])
        low, high = (self._literal(a, kind) for a in args[1:3])
        return f"({lhs} BETWEEN {low} AND {high})"

    def _in(self, args: list[Any]) -> str:
        lhs, kind = self.operand(args[0])
        values = args[1] if isinstance(args[1], list) else [args[1]]
        checked = [self._value(v, kind) for v in values]
        return f"({lhs} = ANY({self.where.param(checked)}::{CASTS[kind]}[]))"

    def _isnull(self, args: list[Any]) -> str:
        lhs, _ = self.operand(args[0])
        return f"({lhs} IS NULL)"

    def operand(self, node: Any) -> tuple[str, str]:
        """SQL and kind of a property or function operand."""
        if isinstance(node, dict) and "property" in node:
            name = node["property"]
            queryable = self.queryables.get(name) or (
                self.queryables.get("geometry") if name == "geom" else None
            )
            if queryable is None:
                raise InvalidFilter(
                    f"unknown property {name!r} in filter; queryables are "
                    f"{', '.join(sorted(self.queryables))}"
                )
            return queryable.column, queryable.kind
        if isinstance(node, dict) and str(node.get("op", "")).lower() == "casei":
            _check_arity("casei", node.get("args"))
            inner, kind = self.operand(node["args"][0])
            self._expect(kind, "text", node["args"][0])
            return f"lower({inner})", "text"
        raise InvalidFilter(f"expected a property, got {_show(node)}")

    def _comparison(self, sql_op: str, args: list[Any]) -> str:
        left, right = args
        if _is_operand(left):
            lhs, kind = self.operand(left)
            if _is_operand(right):
                rhs, other = self.operand(right)
                if other != kind and {kind, other} != {"number", "integer"}:
                    raise InvalidFilter(
                        f"cannot compare {_show(left)} ({kind}) with {_show(right)} ({other})"
                    )
            else:
                rhs = self._literal(right, kind)
        elif _is_operand(right):
            rhs, kind = self.operand(right)
            lhs = self._literal(left, kind)
        else:
            raise InvalidFilter("a comparison needs at least one property")
        if kind == "geometry":
            raise InvalidFilter("compare geometries with S_INTERSECTS, S_WITHIN, ...")
        return f"({lhs} {sql_op} {rhs})"

    def _literal(self, node: Any, kind: str) -> str:
        if isinstance(node, dict) and str(node.get("op", "")).lower() == "casei":
            _check_arity("casei", node.get("args"))
            return f"lower({self._literal(node['args'][0], kind)})"
        return f"{self.where.param(self._value(node, kind))}::{CASTS[kind]}"

    def _value(self, node: Any, kind: str) -> Any:
        """Check a literal against the kind it is compared with; return the bound value."""
        if kind in ("number", "integer"):
            if isinstance(node, bool) or not isinstance(node, int | float):
                raise InvalidFilter(f"expected a number, got {_show(node)}")
            if not math.isfinite(node):
                raise InvalidFilter(f"{node} is not a finite number")
            if kind == "integer":
                if node != int(node):
                    raise InvalidFilter(f"expected a whole number, got {node}")
                if not INTEGER_RANGE[0] <= int(node) <= INTEGER_RANGE[1]:
                    raise InvalidFilter(f"{node} is out of range for a whole number")
                return int(node)
            return float(node)
        if kind in ("text", "uuid"):
            if not isinstance(node, str):
                raise InvalidFilter(f"expected a string, got {_show(node)}")
            return node
        if kind in ("date", "timestamp"):
            return _instant(node, kind)
        raise InvalidFilter(f"cannot compare {kind} values with {_show(node)}")

    def _geometry(self, node: Any) -> str:
        if isinstance(node, dict) and "bbox" in node:
            box = node["bbox"]
            if (
                not isinstance(box, list)
                or len(box) not in (4, 6)
                or not all(_is_finite_number(v) for v in box)
            ):
                raise InvalidFilter(f"BBOX needs 4 or 6 finite numbers, got {_show(box)}")
            minx, miny, maxx, maxy = (box[0], box[1], box[3], box[4]) if len(box) == 6 else box
            self._check_extent((minx, miny, maxx, maxy), "BBOX")
            # The same box as the `bbox` parameter's, so that both select alike.
            return self.where.box((minx, miny, maxx, maxy), self.srid)
        elif isinstance(node, dict) and "type" in node:
            try:
                geometry = shape(node)
            except (ShapelyError, ValueError, TypeError, AttributeError, IndexError) as exc:
                raise InvalidFilter(f"geometry literal is not valid: {exc}") from None
            if geometry.is_empty or not geometry.is_valid:
                raise InvalidFilter(f"geometry literal is not valid: {node['type']}")
            self._check_extent(geometry.bounds, "geometry literal")
            literal = (
                f"ST_SetSRID(ST_GeomFromGeoJSON({self.where.param(json.dumps(node))}), {self.srid})"
            )
        else:
            raise InvalidFilter(f"expected a geometry, got {_show(node)}")
        return literal if self.srid == 4326 else f"ST_Transform({literal}, 4326)"

    def _check_extent(self, bounds: tuple[float, ...], what: str) -> None:
        try:
            check_in_extent(bounds, self.srid, f"{what} in filter")
        except InvalidParameter as exc:
            raise InvalidFilter(exc.detail) from None

    def _spatial(self, function: str, args: list[Any]) -> str:
        sides = []
        for arg in args:
            if _is_operand(arg):
                sql, kind = self.operand(arg)
                self._expect(kind, "geometry", arg)
                sides.append(sql)
            else:
                sides.append(self._geometry(arg))
        return f"{function}({sides[0]}, {sides[1]})"

    def _temporal(self, op: str, args: list[Any]) -> str:
        lhs, kind = self.operand(args[0])
        if kind not in ("date", "timestamp"):
            raise InvalidFilter(f"{op.upper()} needs a date property, got {args[0]}")
        other = args[1]
        if isinstance(other, dict) and "interval" in other:
            if not isinstance(other["interval"], list) or len(other["interval"]) != 2:
                raise InvalidFilter(f"an INTERVAL has a start and an end, got {_show(other)}")
            start, end = (None if v == ".." else self._value(v, kind) for v in other["interval"])
            instant = False
        else:
            start = end = self._value(other, kind)
            instant = True
        # Bound only when the SQL uses it: an unused parameter has no type for PostgreSQL.
        params: dict[str, str] = {}

        def value(side: str) -> str:
            side = "start" if instant else side  # an instant is one parameter
            if side not in params:
                bound = start if side == "start" else end
                params[side] = f"{self.where.param(bound)}::{CASTS[kind]}"
            return params[side]

        def inside(low: str, high: str) -> str:
            parts = [f"{lhs} {low} {value('start')}"] if start is not None else []
            parts += [f"{lhs} {high} {value('end')}"] if end is not None else []
            return " AND ".join(parts) or f"{lhs} IS NOT NULL"

        conditions = {
            "t_after": lambda: f"{lhs} > {value('end')}" if end is not None else "false",
            "t_before": lambda: f"{lhs} < {value('start')}" if start is not None else "false",
            "t_equals": lambda: f"{lhs} = {value('start')}" if instant else "false",
            "t_intersects": lambda: inside(">=", "<="),
            "t_during": lambda: inside(">", "<"),
            "t_disjoint": lambda: f"NOT ({inside('>=', '<=')})",
        }
        if op not in conditions:
            raise InvalidFilter(f"{op.upper()} is not supported for instants")
        return f"({conditions[op]()})"

    @staticmethod
    def _expect(kind: str, wanted: str, node: Any) -> None:
        if kind != wanted:
            raise InvalidFilter(f"{_show(node)} is a {kind} property; this needs a {wanted}")


def _check_arity(op: str, args: Any) -> None:
    if not isinstance(args, list):
        raise InvalidFilter(f"the arguments of {op.upper()} must be a list, got {_show(args)}")
    wanted = 2 if op.startswith("t_") else ARITY.get(op)
    if op in ("and", "or"):
        if len(args) < 2:
            raise InvalidFilter(f"{op.upper()} needs at least 2 arguments, got {len(args)}")
    elif wanted is not None and len(args) != wanted:
        raise InvalidFilter(f"{op.upper()} takes {wanted} argument(s), got {len(args)}")


def _is_operand(node: Any) -> bool:
    return isinstance(node, dict) and (
        "property" in node or str(node.get("op", "")).lower() == "casei"
    )


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _instant(node: Any, kind: str) -> dt.date | dt.datetime:
    raw = node.get("date") or node.get("timestamp") if isinstance(node, dict) else node
    if not isinstance(raw, str):
        raise InvalidFilter(f"expected a date, got {_show(node)}")
    try:
        if kind == "date":
            return dt.date.fromisoformat(raw[:10])
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidFilter(f"{raw!r} is not an ISO 8601 date") from None


def _show(node: Any) -> str:
    text = json.dumps(node, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def translate(
    text: str, lang: str | None, queryables: dict[str, Queryable], where: Where, srid: int = 4326
) -> str:
    """Parse a filter and return one SQL condition, binding its literals into `where`."""
    return Translator(queryables, where, srid).condition(parse(text, lang))
