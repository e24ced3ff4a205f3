from odoo import Command, api, fields, models


class SubscriptionBillingRun(models.Model):
    _name = "subscription.billing.run"
    _description = "Billing Run"
    _order = "date_started desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    trigger = fields.Selection([("cron", "Scheduled"), ("manual", "Invoice now")], required=True, default="manual")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    date_invoice = fields.Date("Invoice Date", required=True, default=fields.Date.context_today)
    date_started = fields.Datetime("Started", required=True, default=fields.Datetime.now)
    date_finished = fields.Datetime("Finished")
    state = fields.Selection([("running", "Running"), ("done", "Done")], default="running", required=True)
    subscription_count = fields.Integer("Subscriptions Billed")
    invoice_count = fields.Integer("Invoices")
    failure_count = fields.Integer("Failures")
    skipped_count = fields.Integer("Skipped", help="Subscriptions whose due period another run had already invoiced.")
    amount_total = fields.Monetary("Total (tax excluded)")
    failure_ids = fields.Many2many(
        "subscription.subscription", string="Failed Subscriptions", relation="subscription_billing_run_failure_rel"
    )
    failure_log = fields.Text(readonly=True)
    move_ids = fields.One2many("account.move", "subscription_run_id", "Invoice Records")

    @api.depends("date_started", "trigger")
    def _compute_name(self):
        for run in self:
            label = dict(self._fields["trigger"].selection).get(run.trigger, "")
            run.name = f"{label} {fields.Datetime.to_string(run.date_started) or ''}".strip()

    def _failed_ids(self):
        return self.failure_ids.ids

    def _record(self, subscriptions, moves, amount, failures, skipped=None):
        """Add a billed batch to the run: ``failures`` and ``skipped`` map subscriptions to messages."""
        self.ensure_one()
        vals = {
            "subscription_count": self.subscription_count + len(subscriptions),
            "invoice_count": self.invoice_count + len(moves),
            "amount_total": self.amount_total + amount,
        }
        skipped = skipped or {}
        if skipped:
            vals["skipped_count"] = self.skipped_count + len(skipped)
        if failures or skipped:
            lines = [f"{sub.name}: {message}" for sub, message in {**failures, **skipped}.items()]
            vals["failure_count"] = self.failure_count + len(failures)
            vals["failure_ids"] = [Command.link(sub.id) for sub in failures]
            vals["failure_log"] = "\n".join(filter(None, [self.failure_log, *lines]))
        self.write(vals)

    def _finish(self):
        self.write({"state": "done", "date_finished": fields.Datetime.now()})

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("subscription_run_id", "in", self.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def action_view_failures(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Failed Subscriptions"),
            "res_model": "subscription.subscription",
            "view_mode": "list,form",
            "domain": [("id", "in", self.failure_ids.ids)],
        }
