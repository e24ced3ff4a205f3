"""The 18.0.1.1.0 migration rewrites the agents' call rule (noupdate) to exactly the rule a new install gets."""

import ast
from pathlib import Path

from lxml import etree

ADDON = Path(__file__).resolve().parents[2] / "telephony_bridge"


def test_migrated_call_rule_is_the_installed_one():
    migration = ast.parse((ADDON / "migrations" / "18.0.1.1.0" / "post-migration.py").read_text(encoding="utf-8"))
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in migration.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    rules = etree.parse(str(ADDON / "security" / "telephony_bridge_rules.xml"))
    installed = rules.xpath("//record[@id='telephony_call_user_rule']/field[@name='domain_force']")[0].text
    assert constants["CALL_USER_RULE_DOMAIN"] == installed
