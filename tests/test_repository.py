"""Checks on the repository itself: manifests keep to Odoo Community, compose matches the addons."""

import ast
import configparser
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SUITE = configparser.ConfigParser()
SUITE.read(REPO / "tests" / "odoo.suite")
ADDONS = SUITE["suite"]["addons"].split()
# Installed with the addons for their tests and the demo database, never depended on.
INSTALL_ALSO = SUITE["suite"].get("install_also", "").split()

# DESIGN.md: what each addon may depend on (Odoo Community modules and the OCA addons named there).
OCA = {"report_xlsx"}
ALLOWED_DEPENDS = {
    "subscription_billing": {"account", "sms", "mail", "product"} | OCA,
    "telephony_bridge": {"mail", "sms", "phone_validation", "contacts"} | OCA,
    "cert_issuance": {"account", "mail", "product"} | OCA,
    # DESCRIPTION: automatic payment and the subscriber's portal live in a bridge with portal/payment.
    "subscription_billing_portal": {"subscription_billing", "portal", "payment", "account_payment"},
    # bridges: Odoo Community's spreadsheet dashboards (as spreadsheet_dashboard_sale does for sale)
    "subscription_billing_dashboard": {"spreadsheet_dashboard", "digest", "subscription_billing"},
    "telephony_bridge_dashboard": {"spreadsheet_dashboard", "telephony_bridge"},
    # bridge: bank statement files through the OCA statement import addons
    "subscription_billing_bank_statement": {
        "subscription_billing",
        "account_statement_import_camt",
        "account_statement_import_sheet_file",
    },
    # bridge: the customer's licenses and certificates in Odoo's portal (as sale_project joins two apps)
    "cert_issuance_portal": {"cert_issuance", "portal"},
    "cert_issuance_dashboard": {"spreadsheet_dashboard", "cert_issuance"},
    # bridge: the customer's prepaid support time in Odoo's portal (as sale_project joins two apps)
    "telephony_bridge_portal": {"telephony_bridge", "portal"},
    # bridge: subscriptions as recipients of Odoo's email and SMS marketing (as mass_mailing_event does
    # for attendees), the SMS sent through telephony_bridge's SMS gateway
    "subscription_billing_mass_mailing": {"subscription_billing", "telephony_bridge", "mass_mailing_sms"},
    # bridge: response time measured up to the customer's invoice and the pay bases need
    # accounting (invoices, payments) and working calendars (DESIGN.md: response-time
    # analysis per manager, pay bases per employee)
    "telephony_bridge_account": {"telephony_bridge", "account", "resource"},
    # bridge: certificate sets paid and issued join the pay bases when both apps are installed
    "telephony_bridge_cert_issuance": {"telephony_bridge_account", "cert_issuance"},
    # DESIGN.md "call campaigns (lists to call with script and questions, outcomes)": the
    # telephony calls with the questions asked as an Odoo survey (as survey_crm joins two apps)
    "telephony_campaign": {"telephony_bridge", "survey"},
    # bridge: debtors' campaigns, the balance on the agent's screen and promises to pay as the
    # subscription's promised payments (as sale_project joins two apps)
    "telephony_campaign_billing": {"telephony_campaign", "subscription_billing"},
    # bridge: campaigns of the customers whose licenses and certificates expire this month
    # (issue #18) and their expiring items on the agent's screen (as sale_project joins two apps)
    "telephony_campaign_cert_issuance": {"telephony_campaign", "cert_issuance"},
}
# OCA addons the addons may depend on; each is a wheel pinned in requirements.txt.
OCA_DEPENDS = {
    "queue_job": "odoo-addon-queue_job",
    "report_xlsx": "odoo-addon-report_xlsx",
    "account_statement_import_camt": "odoo-addon-account_statement_import_camt",
    "account_statement_import_sheet_file": "odoo-addon-account_statement_import_sheet_file",
}
ENTERPRISE = {"sale_subscription", "account_followup", "voip", "helpdesk", "account_accountant", "web_enterprise"}


def manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text(encoding="utf-8"))


def requirement_names(path):
    names = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].strip()
        if line:
            names.add(re.split(r"[<>=!~; \[]", line)[0].lower())
    return names


def test_suite_lists_every_addon_of_the_repository():
    assert sorted(ADDONS) == sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_keeps_to_community(addon):
    data = manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"]), "an Odoo 18.0 version"
    assert data["license"] == "LGPL-3"
    assert set(data["depends"]) <= ALLOWED_DEPENDS[addon] | set(OCA_DEPENDS), "depends beyond DESIGN.md"
    assert not set(data["depends"]) & ENTERPRISE
    for oca in set(data["depends"]) & set(OCA_DEPENDS):
        assert OCA_DEPENDS[oca].lower() in requirement_names(REPO / "requirements.txt"), f"{oca} not pinned"
    declared = {name.lower() for name in data.get("external_dependencies", {}).get("python", [])}
    assert declared <= requirement_names(REPO / "requirements.txt"), "external dependency missing from requirements.txt"


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_files_exist(addon):
    data = manifest(addon)
    for key in ("data", "demo"):
        for name in data.get(key, []):
            assert (REPO / addon / name).is_file(), f"{addon}: {key} file {name} is missing"


def test_docker_compose_serves_the_addons_with_demo_data():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    init, odoo = services["odoo-init"], services["odoo"]
    assert init["image"] == odoo["image"] == services["tests"]["image"]
    for service in (init, odoo, services["tests"]):
        assert service["build"] == {"context": ".", "dockerfile": "docker/Dockerfile"}
    assert "./:/mnt/extra-addons:ro" in odoo["volumes"]
    installed = init["command"][init["command"].index("--init") + 1].split(",")
    assert sorted(installed) == sorted(ADDONS + INSTALL_ALSO)
    assert "--without-demo" not in " ".join(init["command"])
    assert "8069:8069" in odoo["ports"]
    assert services["tests"]["entrypoint"] == ["bash", ".ci/run"]


def test_readme_links_stay_inside_the_repository():
    """A newcomer reads the README from a clone: every relative link names a file of the clone."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address or an anchor
        path = (REPO / target.split("#")[0]).resolve()
        assert path.is_relative_to(REPO), f"README links outside the repository: {target}"
        assert path.exists(), f"README links to a missing file: {target}"


def test_docker_image_is_the_official_one_with_the_requirements():
    dockerfile = (REPO / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM odoo:18\.0$", dockerfile, re.M)
    assert "pip install" in dockerfile and "requirements.txt" in dockerfile
    assert {"odoo-addon-queue_job", "odoo-addon-report_xlsx"} <= requirement_names(REPO / "requirements.txt")


def test_docker_odoo_runs_the_job_runner_and_hides_the_database_manager():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    odoo = compose["services"]["odoo"]
    # required from the environment: compose refuses to start without it
    assert odoo["environment"]["ODOO_MASTER_PASSWORD"].startswith("${ODOO_MASTER_PASSWORD:?")
    conf = configparser.RawConfigParser()
    conf.read(REPO / "docker" / "odoo.conf")
    options = conf["options"]
    assert options["server_wide_modules"].split(",") == ["base", "web", "queue_job"]
    assert int(options["workers"]) > 0
    assert options["list_db"] == "False"
    assert "admin_passwd" not in options, "the master password comes from ODOO_MASTER_PASSWORD"
    channels = dict(item.split(":", 1) for item in conf["queue_job"]["channels"].split(","))
    assert channels["root"] == "2"
    assert channels["root.subscription_billing"] == "2"
    assert channels["root.provisioning"].endswith(":capacity_default=1")  # one call at a time per endpoint
    wrapper = (REPO / "docker" / "with-master-password.sh").read_text(encoding="utf-8")
    assert "admin_passwd = %s" in wrapper and "ODOO_MASTER_PASSWORD" in wrapper
