"""PBXs and SMS providers made before their endpoints ran as technical users get theirs."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    Users = env["res.users"]
    for model, group, prefix in (
        ("telephony.pbx", "telephony_bridge.group_telephony_pbx_integration", "telephony_pbx"),
        ("telephony.sms.provider", "telephony_bridge.group_telephony_sms_integration", "telephony_sms_provider"),
    ):
        Users._telephony_create_technical_users(env[model].search([("user_id", "=", False)]), group, prefix)
