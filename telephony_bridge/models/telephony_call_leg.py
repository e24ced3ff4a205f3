from odoo import fields, models


class TelephonyCallLeg(models.Model):
    """One agent's part of a call: the first agent who answered, then each agent the
    call was transferred to, with their own talk time. Written with the call's row by
    the event folding (TelephonyCall._write_legs); statistics per agent read it."""

    _name = "telephony.call.leg"
    _description = "Call Leg"
    _order = "call_id, sequence, id"

    call_id = fields.Many2one("telephony.call", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    extension = fields.Char(readonly=True)
    agent_id = fields.Many2one("res.users", index="btree_not_null", readonly=True)
    transferred_from_extension = fields.Char(string="Transferred From (Extension)", readonly=True)
    transferred_from_id = fields.Many2one("res.users", readonly=True)
    start_date = fields.Datetime(
        string="Start", readonly=True, help="When the agent answered, or the call was transferred to them."
    )
    answer_date = fields.Datetime(string="Answered At", readonly=True)
    end_date = fields.Datetime(string="End", readonly=True)
    talk_seconds = fields.Integer(string="Talk Time (s)", aggregator="sum", readonly=True)
    talk_minutes = fields.Float(string="Talk Time (min)", digits=(16, 2), aggregator="sum", readonly=True)
    direction = fields.Selection(related="call_id.direction")
    partner_id = fields.Many2one(related="call_id.partner_id")
