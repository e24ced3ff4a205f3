from odoo import api, models


class TelephonyCall(models.Model):
    _inherit = "telephony.call"

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        calls.filtered(lambda c: c.end_date)._open_response_cases()
        return calls

    def _after_event(self, config, event, old, new, vals):
        result = super()._after_event(config, event, old, new, vals)
        # An incoming call opens its case once it has ended: its agent is known then.
        if vals["direction"] == "inbound" and vals["partner_id"] and new.end and not (old and old.end):
            self._open_response_cases()
        return result

    def _open_response_cases(self):
        """Open the response-time cases of these incoming calls from known customers."""
        calls = self.filtered(lambda c: c.direction == "inbound" and c.partner_id and c.start_date)
        if not calls:
            return self.env["telephony.response.case"]
        return self.env["telephony.response.case"]._open_cases_safely(
            [
                {
                    "source": "call",
                    "call": call,
                    "partner": call.partner_id,
                    "company": call.company_id,
                    "team": call.team_id,
                    "manager": call.agent_id or call.first_agent_id,
                    "start": call.start_date,
                }
                for call in calls
            ]
        )
