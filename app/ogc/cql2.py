"""CQL2 (text or JSON) to one SQL condition with bound parameters.

The `cql2` library parses and validates both encodings into CQL2-JSON; this module
only walks that JSON tree and emits SQL from fixed fragments, binding every literal.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
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
# CQL2 arithmetic on numbers; `/`, `%` and `div` never truncate integers by accident
# (float8 or numeric operands). A division by zero is a database data error: a 400.
ARITHMETIC = {
    "+": "({} + {})",
    "-": "({} - {})",
    "*": "({} * {})",
    "/": "({}::float8 / {}::float8)",
    "%": "mod({}::numeric, {}::numeric)::float8",
    "div": "div({}::numeric, {}::numeric)::float8",
    "^": "power({}::float8, {}::float8)",
}
# Allen's relations of CQL2 over [start, end] of each side (an instant has start = end):
# the left side's `as`/`ae`, the right side's `bs`/`be`.
TEMPORAL = {
    "t_after": "{as_} > {be}",
    "t_before": "{ae} < {bs}",
    "t_contains": "{as_} < {bs} AND {ae} > {be}",
    "t_disjoint": "{as_} > {be} OR {ae} < {bs}",
    "t_during": "{as_} > {bs} AND {ae} < {be}",
    "t_equals": "{as_} = {bs} AND {ae} = {be}",
    "t_finishedby": "{as_} < {bs} AND {ae} = {be}",
    "t_finishes": "{as_} > {bs} AND {ae} = {be}",
    "t_intersects": "{as_} <= {be} AND {ae} >= {bs}",
    "t_meets": "{ae} = {bs}",
    "t_metby": "{as_} = {be}",
    "t_overlappedby": "{as_} > {bs} AND {as_} < {be} AND {ae} > {be}",
    "t_overlaps": "{as_} < {bs} AND {ae} > {bs} AND {ae} < {be}",
    "t_startedby": "{as_} = {bs} AND {ae} > {be}",
    "t_starts": "{as_} = {bs} AND {ae} < {be}",
}
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

PREDICATES = ("like", "between", "in", "isnull")
# Every operator a filter may use; `/conformance` claims the CQL2 classes these make up.
OPERATORS = frozenset(
    {"and", "or", "not", "casei", *PREDICATES, *COMPARISONS, *ARITHMETIC, *SPATIAL, *TEMPORAL}
)


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
        if op in TEMPORAL:
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

    def operand(self, node: Any, depth: int = 0) -> tuple[str, str]:
        """SQL and kind of a property, function or arithmetic operand."""
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"filter nests deeper than {MAX_DEPTH} levels")
        op = str(node.get("op", "")).lower() if isinstance(node, dict) else ""
        if op in ARITHMETIC:
            args = node.get("args")
            if not isinstance(args, list) or len(args) != 2:
                raise InvalidFilter(f"{op} needs two numbers, got {_show(node)}")
            sides = [self._number(arg, depth + 1) for arg in args]
            return ARITHMETIC[op].format(*sides), "number"
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

    def _number(self, node: Any, depth: int) -> str:
        """SQL of one side of an arithmetic operation: a numeric operand or literal."""
        if not _is_operand(node):
            return self._literal(node, "number")
        sql, kind = self.operand(node, depth)
        if kind not in ("number", "integer"):
            raise InvalidFilter(f"arithmetic needs numbers; {_show(node)} is a {kind}")
        return sql

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
        if isinstance(node, dict) and "type" in node:
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
        # Arity was checked by `condition`; an instant is a period whose ends coincide.
        for arg in args:
            if _is_interval(arg) and (
                not isinstance(arg["interval"], list) or len(arg["interval"]) != 2
            ):
                raise InvalidFilter(f"an INTERVAL has a start and an end, got {_show(arg)}")
        ends = [e for a in args for e in (a["interval"] if _is_interval(a) else [a])]
        operands = [e for e in ends if _is_operand(e)]
        if not operands:
            raise InvalidFilter(f"{op.upper()} needs a date property")
        kinds = [self.operand(e)[1] for e in operands]
        for end, kind in zip(operands, kinds, strict=True):
            if kind not in ("date", "timestamp"):
                raise InvalidFilter(f"{op.upper()} needs a date property, got {_show(end)}")
        ends_sql = _LazyEnds()
        for (start, end), names in zip(
            (self._period(a, kinds[0]) for a in args), (("as_", "ae"), ("bs", "be")), strict=True
        ):
            ends_sql.makers[names[0]], ends_sql.makers[names[1]] = start, end
        return f"({TEMPORAL[op].format_map(ends_sql)})"

    def _period(self, node: Any, kind: str) -> tuple[Callable[[], str], Callable[[], str]]:
        """Start and end of a temporal argument, bound when first used; `..` is infinite."""
        if not _is_interval(node):
            instant = _once(lambda: self._instant_sql(node, kind))
            return instant, instant
        return tuple(  # type: ignore[return-value]
            _once(lambda b=bound, inf=infinity: f"'{inf}'::{CASTS[kind]}")
            if bound == ".."
            else _once(lambda b=bound: self._instant_sql(b, kind))
            for bound, infinity in zip(node["interval"], ("-infinity", "infinity"), strict=True)
        )

    def _instant_sql(self, node: Any, kind: str) -> str:
        return self.operand(node)[0] if _is_operand(node) else self._literal(node, kind)

    @staticmethod
    def _expect(kind: str, wanted: str, node: Any) -> None:
        if kind != wanted:
            raise InvalidFilter(f"{_show(node)} is a {kind} property; this needs a {wanted}")


def _is_interval(node: Any) -> bool:
    return isinstance(node, dict) and "interval" in node


def _check_arity(op: str, args: Any) -> None:
    if not isinstance(args, list):
        raise InvalidFilter(f"the arguments of {op.upper()} must be a list, got {_show(args)}")
    wanted = 2 if op.startswith("t_") else ARITY.get(op)
    if op in ("and", "or"):
        if len(args) < 2:
            raise InvalidFilter(f"{op.upper()} needs at least 2 arguments, got {len(args)}")
    elif wanted is not None and len(args) != wanted:
        raise InvalidFilter(f"{op.upper()} takes {wanted} argument(s), got {len(args)}")


class _LazyEnds(dict):
    """The ends of a TEMPORAL template, each bound only if the template uses it: a
    parameter that the SQL never mentions has no type, and PostgreSQL refuses it."""

    def __init__(self) -> None:
        super().__init__()
        self.makers: dict[str, Callable[[], str]] = {}

    def __missing__(self, key: str) -> str:
        self[key] = value = self.makers[key]()
        return value


def _once(make: Callable[[], str]) -> Callable[[], str]:
    """`make`, called at most once (an instant is both ends of its period)."""
    made: list[str] = []
    return lambda: made[0] if made else made.append(make()) or made[0]


def _is_operand(node: Any) -> bool:
    return isinstance(node, dict) and (
        "property" in node or str(node.get("op", "")).lower() in ("casei", *ARITHMETIC)
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
