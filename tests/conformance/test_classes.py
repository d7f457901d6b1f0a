"""Every conformance class `/conformance` declares is exercised by named tests.

A class added to CONFORMANCE without tests, or a test renamed away, fails here.
"""

from __future__ import annotations

import importlib

from app.ogc.collections import CONFORMANCE

FEATURES_1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
FEATURES_2 = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/"
FEATURES_3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
FEATURES_4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
ORACLE = "tests.ogc.test_cql2_operators::test_every_operator_agrees_with_the_oracle"

TESTS_OF_CLASS = {
    FEATURES_1 + "core": [
        "tests.conformance.test_ogc_suite::test_ogcapi_features_part_1_core_passes_every_test",
        "tests.api.test_items::test_paging_returns_every_feature_exactly_once",
        "tests.api.test_items::test_bbox_matches_brute_force_shapely",
    ],
    FEATURES_1 + "geojson": ["tests.api.test_items::test_items_are_rfc7946_geojson"],
    FEATURES_1 + "html": [
        "tests.api.test_html::test_browsers_get_html",
        "tests.api.test_html::test_items_page_lists_features_and_pages_onward",
    ],
    FEATURES_1 + "oas30": [
        "tests.api.test_openapi::test_api_is_openapi_303_and_self_contained",
        "tests.api.test_openapi::test_ogc_parameters_as_part_1_defines_them",
        "tests.conformance.test_fuzz::test_served_api_holds_under_fuzzing",
    ],
    FEATURES_2 + "crs": [
        "tests.api.test_items_query::test_output_in_utm32_matches_a_pyproj_transform",
        "tests.api.test_items_query::test_bbox_in_utm32_selects_like_shapely",
        "tests.api.test_items_query::test_epsg_4326_is_latitude_first",
    ],
    FEATURES_3 + "queryables": ["tests.ogc.test_cql2::test_queryables_schema"],
    FEATURES_3 + "queryables-query-parameters": ["tests.api.test_items::test_simple_filters"],
    FEATURES_3 + "filter": ["tests.ogc.test_cql2::test_cql2_text_matches_brute_force"],
    FEATURES_3 + "features-filter": [
        "tests.ogc.test_cql2::test_filter_combines_with_bbox_and_simple_filters",
        "tests.ogc.test_cql2::test_filter_crs_utm32",
    ],
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables": [
        "tests.ogc.test_cql2::test_queryables_schema"
    ],
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables": [
        "tests.api.test_openapi::test_sortables_name_the_sortable_queryables"
    ],
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting": [
        "tests.api.test_items_query::test_sortby_orders_and_pages_every_feature_once"
    ],
    "http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/properties": [
        "tests.api.test_items_query::test_properties_selects_what_is_returned"
    ],
    CQL2 + "cql2-text": [ORACLE],
    CQL2 + "cql2-json": [ORACLE, "tests.ogc.test_cql2::test_cql2_json_equals_text"],
    CQL2 + "basic-cql2": [ORACLE],
    CQL2 + "advanced-comparison-operators": [ORACLE],
    CQL2 + "case-insensitive-comparison": [ORACLE],
    CQL2 + "basic-spatial-functions": [ORACLE],
    CQL2 + "basic-spatial-functions-plus": [ORACLE],
    CQL2 + "spatial-functions": [ORACLE],
    CQL2 + "temporal-functions": [ORACLE],
    CQL2 + "property-property": [ORACLE],
    CQL2 + "arithmetic": [
        ORACLE,
        "tests.ogc.test_cql2_operators::test_the_cases_use_every_declared_operator",
    ],
    FEATURES_4 + "create-replace-delete": [
        "tests.api.test_transactions::test_partner_creates_a_measure_that_awaits_review",
        "tests.api.test_transactions::test_put_replaces_and_history_records_every_version",
        "tests.api.test_transactions::test_role_action_matrix",
    ],
    FEATURES_4 + "update": ["tests.api.test_transactions::test_role_action_matrix"],
    FEATURES_4 + "optimistic-locking-etags": [
        "tests.api.test_transactions::test_if_match_is_checked_when_sent",
        "tests.api.test_transactions::test_concurrent_updates_one_wins_the_other_gets_412",
        "tests.api.test_if_match::test_require_if_match_makes_it_428_for_every_write",
    ],
    FEATURES_4 + "features": [
        "tests.api.test_transactions::test_feature_collection_is_all_or_nothing"
    ],
    TILES + "core": ["tests.api.test_tiles::test_z14_tile_holds_exactly_the_intersecting_measures"],
    TILES + "mvt": ["tests.api.test_tiles::test_z14_tile_holds_exactly_the_intersecting_measures"],
    TILES + "tileset": ["tests.api.test_tiles::test_tileset_metadata_and_tilejson"],
    TILES + "tilesets-list": ["tests.api.test_tiles::test_tileset_metadata_and_tilejson"],
    TILES + "geodata-tilesets": ["tests.api.test_tiles::test_tileset_metadata_and_tilejson"],
}


def test_every_declared_class_has_tests_and_no_test_claims_an_undeclared_one() -> None:
    assert set(TESTS_OF_CLASS) == set(CONFORMANCE)
    assert len(CONFORMANCE) == len(set(CONFORMANCE))


def test_the_named_tests_exist() -> None:
    missing = []
    for test_ids in TESTS_OF_CLASS.values():
        for test_id in test_ids:
            module, name = test_id.split("::")
            if not callable(getattr(importlib.import_module(module), name, None)):
                missing.append(test_id)
    assert not missing, missing
