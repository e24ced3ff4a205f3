"""18.0.1.1.0: calls keep their legs; a partner's numbers are read with the partner's own country first.

- The agents' call rule is ``noupdate``: an updated database keeps its old domain unless
  it is rewritten here. Agents now also see the calls they answered first and then
  transferred.
- Numbers already stored in E.164 were read with the company's country: the backfill
  starts again from the first partner, so its cron re-reads them with each partner's own
  country (by jobs, in batches, as at install).
"""

from odoo import SUPERUSER_ID, api

CALL_USER_RULE_DOMAIN = (
    "['|', '|', ('agent_id', '=', user.id), ('first_agent_id', '=', user.id), "
    "'&', '&', ('direction', '=', 'inbound'), ('state', 'in', ('missed', 'busy', 'failed')), "
    "('team_id', 'in', user.telephony_team_ids.ids + [False])]"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("telephony_bridge.telephony_call_user_rule", raise_if_not_found=False)
    if rule:
        rule.domain_force = CALL_USER_RULE_DOMAIN
    env["ir.config_parameter"].set_param("telephony_bridge.partner_backfill_last_id", "0")
