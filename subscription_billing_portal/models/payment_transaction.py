from odoo import models

from ..tools import autopay


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _subscription_autopay_waiting(self):
        """Our automatic charges among these transactions that still wait for the provider's answer."""
        return self.filtered(
            lambda tx: (
                tx.state in ("pending", "authorized")
                and tx.operation == "offline"
                and len(tx.invoice_ids) == 1
                and autopay.parse_reference(tx.reference)
                and autopay.parse_reference(tx.reference)[0] == tx.invoice_ids.name
            )
        )

    def _set_canceled(self, state_message=None, extra_allowed_states=()):
        waiting = self._subscription_autopay_waiting()
        txs = super()._set_canceled(state_message=state_message, extra_allowed_states=extra_allowed_states)
        (txs & waiting)._subscription_autopay_declined_later()
        return txs

    def _set_error(self, state_message, extra_allowed_states=()):
        waiting = self._subscription_autopay_waiting()
        txs = super()._set_error(state_message, extra_allowed_states=extra_allowed_states)
        (txs & waiting)._subscription_autopay_declined_later()
        return txs

    def _subscription_autopay_declined_later(self):
        """A charge the provider first left pending and declines now: planned again like an immediate decline.

        (A charge declined at once is planned by the charging job itself, see
        ``account.move._subscription_autopay_charge_one``.)
        """
        for tx in self:
            # The provider's notification is processed by the system, as Odoo's payment controllers do.
            move = tx.invoice_ids.sudo()
            if move.state != "posted" or move.payment_state not in ("not_paid", "partial"):
                continue
            sub = move._subscription_autopay_subscription() or move.invoice_line_ids.subscription_id[:1]
            if sub:
                move._subscription_autopay_declined(sub, tx, autopay.parse_reference(tx.reference)[1])
