from odoo import fields, models
from odoo.tools.sql import create_index


class AccountMove(models.Model):
    _inherit = "account.move"

    subscription_run_id = fields.Many2one(
        "subscription.billing.run", "Billing Run", readonly=True, copy=False, index="btree_not_null"
    )
    subscription_dunning_log_ids = fields.One2many("subscription.dunning.log", "move_id", "Reminders", readonly=True)

    def init(self):
        result = super().init()
        # Numbering each invoice at posting, Odoo first looks up the journal's latest
        # numbered entry by date (sequence.mixin via _get_last_sequence_domain: name not in
        # ('/', ''), ORDER BY date DESC LIMIT 1). No core index serves that order, so the
        # query reads the whole journal: 5 ms per invoice at 10,000 invoices, more every
        # month, and it runs while the journal's numbering lock is held, so a second
        # billing worker waits for it. The index's condition is that search's own, so
        # PostgreSQL cannot pick it for Odoo's other numbering query (name != '/'), whose
        # own indexes are the right ones.
        create_index(
            self.env.cr,
            "account_move_numbered_journal_date_idx",
            self._table,
            ["journal_id", "date DESC"],
            where="name IS NOT NULL AND name NOT IN ('/', '')",
        )
        return result

    def _invoice_paid_hook(self):
        # A full payment reactivates a suspended subscription at once, not at the next cron.
        result = super()._invoice_paid_hook()
        subscriptions = self.invoice_line_ids.subscription_id
        if subscriptions:
            self.env["subscription.suspension.policy"].sudo()._reactivate_paid(subscriptions, paid_moves=self)
        return result

    def _subscription_open_invoices(self):
        """The posted customer invoices of these moves not fully paid yet."""
        return self.filtered(
            lambda move: (
                move.state == "posted"
                and move.move_type == "out_invoice"
                and move.payment_state in ("not_paid", "partial")
            )
        )
