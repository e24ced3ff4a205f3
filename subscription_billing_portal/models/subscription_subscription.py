from odoo import api, fields, models
from odoo.exceptions import UserError


class SubscriptionSubscription(models.Model):
    _name = "subscription.subscription"
    _inherit = ["subscription.subscription", "portal.mixin"]

    payment_token_id = fields.Many2one(
        "payment.token",
        "Automatic Payment Method",
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The customer's saved payment method charged when the billing run posts an invoice.",
    )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for sub in self:
            sub.access_url = f"/my/subscriptions/{sub.id}"
        return result

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name

    @api.constrains("payment_token_id", "partner_id")
    def _check_payment_token_partner(self):
        for sub in self.sudo():
            token = sub.payment_token_id
            if token and token.partner_id.commercial_partner_id != sub.partner_id.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "The payment method %(token)s belongs to another customer than subscription %(sub)s.",
                        token=token.display_name,
                        sub=sub.name,
                    )
                )

    # ------------------------------------------------------------------
    # What the portal shows
    # ------------------------------------------------------------------
    def _portal_invoices(self):
        """The posted invoices and credit notes of this subscription, newest first."""
        self.ensure_one()
        return self.env["account.move"].search(
            [*self._invoice_domain(), ("state", "=", "posted")], order="invoice_date desc, id desc"
        )

    def _portal_next_invoice_amount(self):
        """What the next invoice bills for the recurring lines (taxes excluded): their price per period."""
        self.ensure_one()
        if not self.next_invoice_date:
            return 0.0
        lines = self.line_ids.filtered(
            lambda line: (
                line.next_invoice_date == self.next_invoice_date
                and (not line.date_end or line.date_end >= self.next_invoice_date)
            )
        )
        return sum(line.current_price * line.quantity * (1 - (line.discount or 0.0) / 100) for line in lines)

    def _portal_pending_changes(self):
        self.ensure_one()
        return self.price_change_ids.filtered(lambda change: change.state == "pending").sorted("date_effective")

    def _portal_payment_tokens(self):
        """The saved payment methods of the subscription's customer (and their company) that can charge."""
        self.ensure_one()
        return self.env["payment.token"].search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("provider_id.allow_tokenization", "=", True),
                ("provider_id.state", "in", ("enabled", "test")),
                ("company_id", "in", [self.company_id.id, False]),
            ]
        )

    def _portal_set_payment_token(self, token):
        """Save, replace (``token``) or remove (empty ``token``) the automatic payment method.

        Called by the portal after it checked the customer's access to this subscription;
        ``token`` must be one of the customer's own saved payment methods.
        """
        self.ensure_one()
        if token and token not in self._portal_payment_tokens():
            raise UserError(self.env._("This payment method cannot be used for this subscription."))
        old = self.payment_token_id
        self.payment_token_id = token
        if token:
            body = self.env._("Automatic payment by %(token)s set by the customer.", token=token.display_name)
        else:
            body = self.env._("Automatic payment by %(token)s removed by the customer.", token=old.display_name)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_preview_subscription(self):
        """Open the subscription's portal page as the customer sees it."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}
