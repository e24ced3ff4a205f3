"""How the Odoo suite bridge turns recorded Odoo test events into pytest outcomes."""

import configparser

from odoo_suite.collector import TOUR_CALL, errors_outside_tests, results_by_test, suite_modules

T = "odoo.addons.cert_issuance.tests.test_x.TestX.test_a"


def events(*pairs):
    return [{"event": kind, "id": T, "time": float(i), **extra} for i, (kind, extra) in enumerate(pairs)]


def test_started_and_stopped_test_passes():
    result = results_by_test(events(("start", {}), ("stop", {})))[T]
    assert result["status"] == "passed"
    assert result["seconds"] == 1.0


def test_skip_is_reported_with_its_reason():
    # Odoo skips a tour silently when Chromium is missing: the item fails on this status.
    result = results_by_test(events(("start", {}), ("skip", {"text": "Chrome not found"}), ("stop", {})))[T]
    assert result["status"] == "skipped"
    assert result["texts"] == ["SKIPPED: Chrome not found"]


def test_failure_of_a_subtest_fails_the_test_and_names_the_subtest():
    result = results_by_test(
        events(("start", {}), ("fail", {"text": "AssertionError: 3 != 4", "subtest": "(day=7)"}), ("stop", {}))
    )[T]
    assert result["status"] == "failed"
    assert result["texts"] == ["FAIL [(day=7)]:\nAssertionError: 3 != 4"]


def test_test_interrupted_by_a_crash_fails():
    result = results_by_test(events(("start", {})))[T]
    assert result["status"] == "failed"
    assert "never finished" in result["texts"][0]


def test_class_setup_error_without_start_fails():
    holder = "setUpClass (odoo.addons.cert_issuance.tests.test_x.TestX)"
    found = results_by_test([{"event": "error", "id": holder, "time": 0.0, "text": "KeyError"}])
    assert found[holder]["status"] == "failed"


def test_declared_tours_are_found_in_test_sources():
    source = 'self.start_tour("/odoo", "cert_issuance_open_app", login="admin")\nself.start_tour(url, \'x_y\')'
    assert TOUR_CALL.findall(source) == ["cert_issuance_open_app", "x_y"]


def test_only_errors_outside_tests_fail_the_log_item():
    records = [
        ("ERROR", "odoo.addons.x.tests.test_y", "FAIL: TestY.test_z"),
        ("ERROR", "odoo.tests.result", "1 failed, 0 error(s) of 149 tests when loading database 'suite_ab12' "),
        ("WARNING", "odoo.models", "a warning"),
        ("ERROR", "odoo.sql_db", "bad query: SELECT 1"),
        ("CRITICAL", "odoo.service.server", "Failed to initialize database `suite_ab12`."),
    ]
    assert errors_outside_tests(records) == [
        "ERROR odoo.sql_db: bad query: SELECT 1",
        "CRITICAL odoo.service.server: Failed to initialize database `suite_ab12`.",
    ]


def test_suite_installs_extra_modules_without_testing_them():
    config = configparser.ConfigParser()
    config.read_string("[suite]\naddons =\n    a_addon\n    b_addon\ninstall_also =\n    payment_demo\n")
    assert suite_modules(config) == (["a_addon", "b_addon"], ["payment_demo"])
    config = configparser.ConfigParser()
    config.read_string("[suite]\naddons = a_addon\n")
    assert suite_modules(config) == (["a_addon"], [])
