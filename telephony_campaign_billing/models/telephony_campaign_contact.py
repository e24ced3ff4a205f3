from odoo import _, fields, models
from odoo.exceptions import UserError

# Who may read a customer's balance: Odoo's invoicing users and read-only accountants.
ACCOUNTING = "account.group_account_invoice,account.group_account_readonly"


class TelephonyCampaignContact(models.Model):
    _inherit = "telephony.campaign.contact"

    subscription_balance = fields.Monetary(
        "Open Balance",
        compute="_compute_subscription_balance",
        currency_field="currency_id",
        groups=ACCOUNTING,
        help="Open amount of the customer's posted invoices and credit notes, taxes included.",
    )
    subscription_overdue = fields.Monetary(
        "Overdue",
        compute="_compute_subscription_balance",
        currency_field="currency_id",
        groups=ACCOUNTING,
    )
    subscription_due_since = fields.Date(
        "Due Since",
        compute="_compute_subscription_balance",
        groups=ACCOUNTING,
    )
    subscription_tariffs = fields.Char(
        "Tariffs",
        compute="_compute_subscription_balance",
        groups=ACCOUNTING,
    )
    payment_promise_id = fields.Many2one(
        "subscription.payment.promise", string="Promised Payment", copy=False, ondelete="set null"
    )
    collected_amount = fields.Monetary(
        "Collected",
        currency_field="currency_id",
        copy=False,
        help="Customer payments received since the promise, up to the promised amount "
        "(recounted every night and by 'Recount Collected').",
    )
    collected_date = fields.Datetime("Collected Counted At", copy=False)

    def _compute_subscription_balance(self):
        for contact in self:
            partner = contact.partner_id.commercial_partner_id
            contact.subscription_balance = partner.subscription_balance
            contact.subscription_overdue = partner.subscription_overdue
            contact.subscription_due_since = partner.subscription_due_since
            contact.subscription_tariffs = partner.subscription_tariffs

    def _promise_subscription(self):
        """The subscription the customer's promise postpones: the running one with the oldest open
        invoice, else the first running one."""
        self.ensure_one()
        subscriptions = self.env["subscription.subscription"].search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("state", "in", ("active", "suspended")),
                ("company_id", "=", self.company_id.id),
            ],
            order="state desc, id",
        )
        return subscriptions[:1]

    def _check_promise(self):
        super()._check_promise()
        if not self.env.user.has_group("subscription_billing.group_subscription_billing_user"):
            raise UserError(_("Recording a promised payment needs the Subscription Billing user right."))
        for contact in self:
            if not contact._promise_subscription():
                raise UserError(
                    _(
                        "%s has no running subscription to record the promised payment on.",
                        contact.partner_id.display_name,
                    )
                )
        return True

    def _on_promise(self):
        """The promise to pay becomes the subscription's promised payment (which postpones its
        suspension until the promised date)."""
        super()._on_promise()
        for contact in self:
            subscription = contact._promise_subscription()
            today = fields.Date.context_today(contact)
            contact.payment_promise_id = self.env["subscription.payment.promise"].create(
                {
                    "subscription_id": subscription.id,
                    "date": today,
                    "date_until": max(contact.promise_date, today),
                    "note": _(
                        "%(amount)s promised by phone for %(date)s (campaign %(campaign)s, %(agent)s)",
                        amount=f"{contact.promise_amount:.2f} {contact.currency_id.name}",
                        date=contact.promise_date,
                        campaign=contact.campaign_id.name,
                        agent=self.env.user.name,
                    ),
                }
            )
        return True

    def _update_collected(self):
        """Collected since the promise: the customer's inbound payments dated on or after the day
        the promise was made, up to the promised amount (read from Odoo's payments)."""
        now = fields.Datetime.now()
        Payment = self.env["account.payment"]
        for contact in self.filtered(lambda c: c.outcome == "promise" and c.outcome_date):
            payments = Payment.search(
                [
                    ("partner_id", "child_of", contact.partner_id.commercial_partner_id.id),
                    ("company_id", "=", contact.company_id.id),
                    ("partner_type", "=", "customer"),
                    ("payment_type", "=", "inbound"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">=", contact.outcome_date.date()),
                ]
            )
            paid = sum(payments.mapped("amount_company_currency_signed"))
            contact.write({"collected_amount": min(max(paid, 0.0), contact.promise_amount), "collected_date": now})
