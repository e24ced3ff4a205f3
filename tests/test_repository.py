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

# DESIGN.md: what each addon may depend on (Odoo Community modules and the OCA addons named there).
OCA = {"report_xlsx"}
ALLOWED_DEPENDS = {
    "subscription_billing": {"account", "sms", "mail", "product"} | OCA,
    "telephony_bridge": {"mail", "sms", "phone_validation", "contacts"} | OCA,
    "cert_issuance": {"account", "mail", "product"} | OCA,
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
    assert data["version"] == "18.0.1.0.0"
    assert data["license"] == "LGPL-3"
    assert set(data["depends"]) <= ALLOWED_DEPENDS[addon], "depends beyond DESIGN.md"
    assert not set(data["depends"]) & ENTERPRISE
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
    assert init["image"] == odoo["image"] == services["tests"]["image"] == "odoo:18.0"
    assert "./:/mnt/extra-addons:ro" in odoo["volumes"]
    installed = init["command"][init["command"].index("--init") + 1].split(",")
    assert sorted(installed) == sorted(ADDONS)
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
