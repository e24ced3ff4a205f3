"""pytest configuration for the whole suite (see README: one command runs everything).

``odoo.suite`` files are collected by :mod:`odoo_suite.collector`: each names addons
whose Odoo tests run on a real Odoo 18 and a fresh PostgreSQL database.
"""

import shutil
from pathlib import Path

from odoo_suite.collector import WORKDIR, OdooSuiteFile, preflight, selects_suite

SUITE = Path(__file__).resolve().parent / "odoo.suite"


def pytest_sessionstart(session):
    # Check Odoo and PostgreSQL before anything slow; stops the run with an explanation.
    if selects_suite(session.config, SUITE):
        preflight(session.config)


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".suite" and file_path.stem == "odoo":
        return OdooSuiteFile.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session, exitstatus):
    workdir = session.config.stash.get(WORKDIR, None)
    if workdir and exitstatus == 0:
        shutil.rmtree(workdir, ignore_errors=True)
