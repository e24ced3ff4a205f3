from datetime import date

import odoo.tests.common
from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import tagged

# queue_job 18.0.4.1.2's test helpers import SETATTR_SOURCES, which older Odoo 18.0
# sources lack; an empty registry of patch sources is what they expect there. Tests
# import trap_jobs from here.
if not hasattr(odoo.tests.common, "SETATTR_SOURCES"):
    odoo.tests.common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs


def bill_through_jobs(env, day, **kwargs):
    """What the daily cron plans, billed by its jobs (trapped and performed here, as the job runner would)."""
    with trap_jobs() as trap:
        run = env["subscription.subscription"]._cron_generate_invoices(today=day, **kwargs)
        trap.perform_enqueued_jobs()
    return run


@tagged("post_install", "-at_install")
class SubscriptionBillingCommon(AccountTestInvoicingCommon):
    """Tariffs priced at 1.00 a day over their reference period, so amounts read as day counts.

    ``tariffs[mode][kind]`` bills 31.00 a month (January), 90.00 a quarter (Q1 2025),
    365.00 a year (2025) or 30.00 per 30 days; ``double[kind]`` is twice that, in advance.
    """

    @classmethod
    def get_default_groups(cls):
        groups = super().get_default_groups()
        return groups | cls.env.ref("subscription_billing.group_subscription_billing_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls._create_product(name="Internet access", type="service", lst_price=0.0)
        cls.fee_product = cls._create_product(name="Connection fee", type="service", lst_price=0.0)
        cls.group_home = cls.env["subscription.customer.group"].create({"name": "Home", "code": "T-HOME"})
        cls.group_business = cls.env["subscription.customer.group"].create({"name": "Business", "code": "T-BIZ"})
        prices = {"month": 31.0, "quarter": 90.0, "year": 365.0, "days": 30.0}
        cls.tariffs = {
            mode: {
                kind: cls._tariff(f"{kind} {mode}", price, kind, billing_mode=mode) for kind, price in prices.items()
            }
            for mode in ("advance", "arrears")
        }
        cls.double = {kind: cls._tariff(f"{kind} double", 2 * price, kind) for kind, price in prices.items()}
        cls.monthly = cls.tariffs["advance"]["month"]
        cls.connection_fee = cls.env["subscription.tariff"].create(
            {"name": "Connection", "product_id": cls.fee_product.id, "price": 50.0, "tariff_type": "one_shot"}
        )

    @classmethod
    def _tariff(cls, name, price, kind, **vals):
        tariff = cls.env["subscription.tariff"].create(
            {
                "name": name,
                "product_id": cls.service.id,
                "price": price,
                "period_kind": kind,
                "period_interval": 30 if kind == "days" else 1,
                **vals,
            }
        )
        # The price holds since long before the dates the tests bill.
        tariff.price_history_ids.date_start = date(2020, 1, 1)
        return tariff

    def _subscribe(self, tariffs, start, partner=None, activate=True, **vals):
        lines = []
        for tariff in tariffs:
            line_vals = tariff if isinstance(tariff, dict) else {"tariff_id": tariff.id}
            lines.append(Command.create(line_vals))
        sub = self.env["subscription.subscription"].create(
            {"partner_id": (partner or self.partner_a).id, "date_start": start, "line_ids": lines, **vals}
        )
        if activate:
            sub.action_activate()
        return sub

    def _bill(self, day, **kwargs):
        return bill_through_jobs(self.env, day, **kwargs)

    def _invoices(self, sub):
        return self.env["account.move"].search(sub._invoice_domain(), order="id")

    @staticmethod
    def _lines(move):
        return [
            (line.subscription_date_from, line.subscription_date_to, line.price_unit)
            for line in move.invoice_line_ids.sorted(lambda aml: (aml.subscription_date_from, aml.price_unit))
        ]
