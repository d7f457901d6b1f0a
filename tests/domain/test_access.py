"""The access policy as plain functions: every role against every kind of measure."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.domain import access
from app.domain.access import MeasureFacts

GE, E, BO = "05513000", "05113000", "05911000"
REGION = (GE, E, BO)


@dataclass(frozen=True)
class Who:
    role: str = "anonymous"
    partner: str | None = None
    municipalities: tuple[str, ...] = ()


ANONYMOUS = Who()
PARTNER = Who("partner", "Vivawest")
PARTNER_GE = Who("partner", "Vivawest", (GE,))
REVIEWER_GE = Who("reviewer", "Stadt Gelsenkirchen", (GE,))
REVIEWER_REGION = Who("reviewer", "Emschergenossenschaft")
ADMIN = Who("admin", "Lippeverband")
ADMIN_LIMITED = Who("admin", "Lippeverband", (E,))  # a limit does not bind admins

OWN_GE_SUBMITTED = MeasureFacts("Vivawest", GE, "submitted")
OWN_E_PUBLISHED = MeasureFacts("Vivawest", E, "published")
OTHER_GE_SUBMITTED = MeasureFacts("Vonovia", GE, "submitted")
OTHER_E_PUBLISHED = MeasureFacts("Vonovia", E, "published")
OTHER_E_REJECTED = MeasureFacts("Vonovia", E, "rejected")
MEASURES = [
    OWN_GE_SUBMITTED,
    OWN_E_PUBLISHED,
    OTHER_GE_SUBMITTED,
    OTHER_E_PUBLISHED,
    OTHER_E_REJECTED,
]
CALLERS = [ANONYMOUS, PARTNER, PARTNER_GE, REVIEWER_GE, REVIEWER_REGION, ADMIN, ADMIN_LIMITED]


@pytest.mark.parametrize(
    ("who", "readable"),
    [
        (ANONYMOUS, [OWN_E_PUBLISHED, OTHER_E_PUBLISHED]),
        (PARTNER, [OWN_GE_SUBMITTED, OWN_E_PUBLISHED, OTHER_E_PUBLISHED]),
        (PARTNER_GE, [OWN_GE_SUBMITTED, OWN_E_PUBLISHED, OTHER_E_PUBLISHED]),
        (REVIEWER_GE, [OWN_GE_SUBMITTED, OWN_E_PUBLISHED, OTHER_GE_SUBMITTED, OTHER_E_PUBLISHED]),
        (REVIEWER_REGION, MEASURES),
        (ADMIN, MEASURES),
    ],
)
def test_may_read(who: Who, readable: list[MeasureFacts]) -> None:
    assert [m for m in MEASURES if access.may_read(who, m)] == readable


@pytest.mark.parametrize(
    ("who", "changeable"),
    [
        (ANONYMOUS, []),
        (PARTNER, [OWN_GE_SUBMITTED, OWN_E_PUBLISHED]),
        (PARTNER_GE, [OWN_GE_SUBMITTED]),  # its own, but Essen is outside its key
        (REVIEWER_GE, [OWN_GE_SUBMITTED, OTHER_GE_SUBMITTED]),
        (REVIEWER_REGION, MEASURES),
        (ADMIN, MEASURES),
        (ADMIN_LIMITED, MEASURES),
    ],
)
def test_may_change(who: Who, changeable: list[MeasureFacts]) -> None:
    assert [m for m in MEASURES if access.may_change(who, m)] == changeable


@pytest.mark.parametrize(
    ("who", "create_in", "review_in"),
    [
        (ANONYMOUS, [], []),
        (PARTNER, list(REGION), []),
        (PARTNER_GE, [GE], []),
        (REVIEWER_GE, [GE], [GE]),
        (REVIEWER_REGION, list(REGION), list(REGION)),
        (ADMIN, list(REGION), list(REGION)),
    ],
)
def test_where_a_caller_creates_and_reviews(
    who: Who, create_in: list[str], review_in: list[str]
) -> None:
    assert [a for a in REGION if access.may_create_in(who, a)] == create_in
    assert [a for a in REGION if access.may_review(who, a)] == review_in


def test_a_move_needs_the_right_on_the_new_side() -> None:
    moved = MeasureFacts("Vonovia", E, "published")  # a Gelsenkirchen measure moved to Essen
    assert not access.may_change(REVIEWER_GE, moved)
    assert not access.may_review(REVIEWER_GE, moved.municipality)
    own_moved = MeasureFacts("Vivawest", E, "submitted")
    assert access.may_change(PARTNER, own_moved)
    assert not access.may_change(PARTNER_GE, own_moved)


@pytest.mark.parametrize(
    ("who", "measure", "expected"),
    [
        (ANONYMOUS, OTHER_E_PUBLISHED, []),
        (PARTNER, OWN_GE_SUBMITTED, ["update", "delete"]),
        (PARTNER, OTHER_E_PUBLISHED, []),
        (PARTNER_GE, OWN_E_PUBLISHED, []),
        (REVIEWER_GE, OTHER_GE_SUBMITTED, ["update", "delete", "publish", "reject"]),
        (REVIEWER_GE, OTHER_E_PUBLISHED, []),
        (REVIEWER_REGION, OTHER_E_PUBLISHED, ["update", "delete", "reject"]),
        (ADMIN, OTHER_E_REJECTED, ["update", "delete", "publish"]),
    ],
)
def test_actions(who: Who, measure: MeasureFacts, expected: list[str]) -> None:
    assert access.actions(who, measure) == expected


def test_actions_are_what_the_other_rules_allow() -> None:
    for who in CALLERS:
        for m in MEASURES:
            allowed = set(access.actions(who, m))
            assert ("update" in allowed) == access.may_change(who, m)
            if allowed:
                assert access.may_read(who, m)
            if {"publish", "reject"} & allowed:
                assert access.may_review(who, m.municipality)


def test_review_process_is_seen_by_owner_reviewer_in_scope_and_admin() -> None:
    assert access.sees_review_process(PARTNER, OWN_E_PUBLISHED)
    assert not access.sees_review_process(PARTNER, OTHER_E_PUBLISHED)
    assert not access.sees_review_process(ANONYMOUS, OTHER_E_PUBLISHED)
    assert access.sees_review_process(REVIEWER_GE, OTHER_GE_SUBMITTED)
    assert not access.sees_review_process(REVIEWER_GE, OTHER_E_PUBLISHED)
    assert access.sees_review_process(ADMIN, OTHER_E_REJECTED)


def test_capabilities() -> None:
    assert access.capabilities(ANONYMOUS, REGION) == {
        "role": "anonymous",
        "partner": None,
        "municipalities": [],
        "capabilities": {
            "read_unpublished": False,
            "create": False,
            "create_in": [],
            "review": False,
            "review_in": [],
            "admin": False,
        },
    }
    reviewer = access.capabilities(REVIEWER_GE, REGION)
    assert reviewer["municipalities"] == [GE]
    assert reviewer["capabilities"]["create_in"] == [GE] == reviewer["capabilities"]["review_in"]
    partner = access.capabilities(PARTNER, REGION)["capabilities"]
    assert partner["create_in"] == sorted(REGION) and partner["review"] is False
    assert access.capabilities(ADMIN, REGION)["capabilities"]["admin"] is True


def test_only_admins_set_baselines() -> None:
    assert [w for w in CALLERS if access.may_set_baselines(w)] == [ADMIN, ADMIN_LIMITED]


def test_a_scoped_key_must_hold_every_municipality_a_measure_reaches() -> None:
    assert access.scoped(PARTNER_GE)
    assert access.outside_scope(PARTNER_GE, [E, GE]) == [E]
    assert access.outside_scope(PARTNER_GE, [GE]) == []
    assert not access.scoped(PARTNER)
    assert access.outside_scope(PARTNER, [E, GE]) == []
    assert not access.scoped(ADMIN_LIMITED)
    assert access.outside_scope(ADMIN_LIMITED, [GE]) == []


def test_allow_lists_what_the_caller_may_do() -> None:
    read = ["GET", "HEAD", "OPTIONS"]
    assert access.allowed_on_items(ANONYMOUS) == read
    assert access.allowed_on_items(PARTNER) == [*read, "POST"]
    assert access.allowed_on_item(ANONYMOUS, OWN_E_PUBLISHED) == read
    assert access.allowed_on_item(PARTNER, OWN_E_PUBLISHED) == [*read, "PUT", "PATCH", "DELETE"]
    assert access.allowed_on_item(PARTNER, OTHER_E_PUBLISHED) == read
    assert access.allowed_on_item(PARTNER_GE, OWN_E_PUBLISHED) == read
    assert access.allowed_on_item(REVIEWER_GE, OTHER_GE_SUBMITTED)[-1] == "DELETE"
