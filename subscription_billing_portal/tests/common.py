from datetime import timedelta

from odoo import fields
from odoo.addons.subscription_billing.tests.common import SubscriptionBillingCommon, bill_through_jobs
from odoo.tests import HttpCase, new_test_user


def payment_demo_installed(env):
    return env["ir.module.module"].search_count([("name", "=", "payment_demo"), ("state", "=", "installed")]) > 0


class PortalSubscriptionCommon(SubscriptionBillingCommon, HttpCase):
    """Two portal customers of the test company, each with a subscription billed a month ago and unpaid.

    ``sub_a`` (Ada, and her colleague Cleo of the same company) is suspended; ``sub_b`` (Boris)
    is active. The tariff bills 31.00 a month in advance, without tax.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.start = (cls.today - timedelta(days=40)).replace(day=1)
        cls.service.taxes_id = False
        cls.firm_a = cls.env["res.partner"].create({"name": "Ada Ltd", "is_company": True, "email": "ada@example.com"})
        cls.user_a = cls._portal_user("ada", "Ada Adams", cls.firm_a)
        cls.user_c = cls._portal_user("cleo", "Cleo Clark", cls.firm_a)
        cls.user_b = cls._portal_user("boris", "Boris Brown")
        cls.policy = cls.env["subscription.dunning.policy"].create(
            {"name": "Reminders", "company_id": cls.company.id, "autopay_retry_days": "1,3,7"}
        )

    @classmethod
    def _portal_user(cls, login, name, parent=None):
        user = new_test_user(
            cls.env, login=login, password=login, name=name, groups="base.group_portal", company_id=cls.company.id
        )
        user.partner_id.write({"email": f"{login}@example.com", "parent_id": parent.id if parent else False})
        return user

    @classmethod
    def _portal_subscription(cls, partner, suspended=False):
        sub = cls._subscribe(cls, [cls.monthly], cls.start, partner=partner)
        bill_through_jobs(cls.env, cls.start)
        if suspended:
            sub.action_suspend()
        return sub
