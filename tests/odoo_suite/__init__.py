"""Runs the Odoo test suites of the addons and reports each Odoo test to pytest.

conftest.py hands ``odoo.suite`` files to :mod:`odoo_suite.collector`.
"""
