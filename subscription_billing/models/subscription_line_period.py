from odoo import api, fields, models


class SubscriptionLinePeriod(models.Model):
    """One invoiced period of one subscription line.

    The UNIQUE constraint on (line, period start, kind) is what makes the invoicing run
    safe: a re-run, a crash mid-run or two workers at once can never record, and so never
    invoice, the same period of a line twice.

    Periods are the billing history: users (billing managers included) only read them;
    the billing code records them with ``_create_for_invoices``.
    """

    _name = "subscription.line.period"
    _description = "Invoiced Subscription Period"
    _order = "period_start desc, id desc"
    _rec_name = "period_start"

    line_id = fields.Many2one("subscription.line", required=True, ondelete="cascade", index=True)
    subscription_id = fields.Many2one("subscription.subscription", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)
    kind = fields.Selection([("charge", "Charge"), ("credit", "Credit")], required=True, default="charge")
    period_start = fields.Date(required=True, help="First day of the full billing period.")
    period_end = fields.Date(required=True, help="Last day of the full billing period.")
    date_from = fields.Date("Billed From", required=True)
    date_to = fields.Date("Billed To", required=True)
    move_id = fields.Many2one("account.move", "Invoice", index="btree_not_null", ondelete="set null")
    run_id = fields.Many2one("subscription.billing.run", "Billing Run", index="btree_not_null", ondelete="set null")
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    amount = fields.Monetary(help="Amount invoiced for this period, before taxes.")

    _sql_constraints = [
        (
            "line_period_unique",
            "UNIQUE(line_id, period_start, kind)",
            "This period of this subscription line is already invoiced.",
        ),
    ]

    @api.model
    def _create_for_invoices(self, vals_list, moves):
        """Record the periods invoiced by ``moves``, the draft invoices billing just created.

        Users may not write periods; the billing code records them here as part of
        invoicing, which the user must be allowed to do: the rights checked are those on
        ``moves``, and each period must belong to one of them. The elevation only writes
        these records, never an accounting one.
        """
        moves.check_access("write")
        if any(vals.get("move_id") not in moves.ids for vals in vals_list):
            raise ValueError("invoiced periods are recorded only with the invoices that bill them")
        return self.sudo().create(vals_list).with_env(self.env)
