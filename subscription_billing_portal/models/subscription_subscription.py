from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_amount, format_date


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

    def _portal_promises(self):
        """The promised payments of this subscription still postponing its suspension."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        return self.env["subscription.payment.promise"].search(
            [("subscription_id", "=", self.id), ("date_until", ">=", today)], order="date_until desc, id desc"
        )

    def _portal_promise_payment(self, date_until, amount):
        """The customer promises to pay ``amount`` by ``date_until``: suspension is postponed until then.

        Run with the customer's own rights (they may create promises on their own subscriptions
        only). The policy's limits are those staff promises get: the latest date is the one
        ``subscription.payment.promise`` computes from the suspension policy, and its once-a-month
        constraint refuses a second promise. Raises ``ValidationError`` with the reason.
        """
        self.ensure_one()
        env = self.env
        sub_sudo = self.sudo()  # the state and balance the customer's page shows
        if sub_sudo.state != "active":
            raise ValidationError(
                env._("A suspended subscription starts again when what is overdue is paid, not on a promise.")
            )
        if sub_sudo.currency_id.compare_amounts(sub_sudo.amount_due, 0.0) <= 0:
            raise ValidationError(
                env._("Subscription %(sub)s owes nothing: there is nothing to promise.", sub=sub_sudo.name)
            )
        today = fields.Date.context_today(self)
        promises = env["subscription.payment.promise"]
        # The latest date the policy allows, computed by the promise itself (as for a staff promise).
        latest = promises.sudo().new({"subscription_id": self.id, "date": today}).date_until
        if not date_until or date_until < today or date_until > latest:
            raise ValidationError(
                env._(
                    "Choose a date between %(today)s and %(latest)s: "
                    "the policy postpones suspension by that much at most.",
                    today=format_date(env, today),
                    latest=format_date(env, latest),
                )
            )
        if sub_sudo.currency_id.compare_amounts(amount or 0.0, 0.0) <= 0 or (
            sub_sudo.currency_id.compare_amounts(amount, sub_sudo.amount_due) > 0
        ):
            raise ValidationError(
                env._(
                    "The promised amount must be more than zero and at most the balance owed, %(due)s.",
                    due=format_amount(env, sub_sudo.amount_due, sub_sudo.currency_id),
                )
            )
        promise = promises.create(
            {
                "subscription_id": self.id,
                "date": today,
                "date_until": date_until,
                "amount": amount,
                "from_portal": True,
            }
        )
        # The note is the system's record of what the customer did (a portal user cannot post notes).
        sub_sudo.message_post(
            body=env._(
                "The customer promised to pay %(amount)s by %(date)s (asked in the portal).",
                amount=format_amount(env, amount, sub_sudo.currency_id),
                date=format_date(env, date_until),
            ),
            author_id=env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return promise

    def action_preview_subscription(self):
        """Open the subscription's portal page as the customer sees it."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}
