from datetime import date

import odoo.tests.common
from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user

# queue_job 18.0.4.1.2's test helpers import SETATTR_SOURCES, which older Odoo 18.0
# sources lack; an empty registry of patch sources is what they expect there. Tests
# import trap_jobs from here.
if not hasattr(odoo.tests.common, "SETATTR_SOURCES"):
    odoo.tests.common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs


def perform_all_jobs(trap):
    """Perform the trapped jobs, and the jobs they enqueue, until none is left (as the job runner would)."""
    while trap.enqueued_jobs:
        trap.perform_enqueued_jobs()


class CertCommon(AccountTestInvoicingCommon):
    """Two managers, a head of department, customers, license modules and a set product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref("cert_issuance.group_cert_issuance_manager")
        cls.company.cert_expiry_notice_days = "30,14,7,1"
        cls.manager_a = cls._cert_user("cert_manager_a", "cert_issuance.group_cert_issuance_user")
        cls.manager_b = cls._cert_user("cert_manager_b", "cert_issuance.group_cert_issuance_user")
        cls.head = cls._cert_user("cert_head", "cert_issuance.group_cert_issuance_manager")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Test Timber Co", "is_company": True, "company_registry": "11000003", "email": "bt@example.com"}
        )
        cls.customer_2 = cls.env["res.partner"].create({"name": "Test Bakery Co", "is_company": True})
        cls.module_gl = cls.env["product.product"].create(
            {"name": "General Ledger", "default_code": "GL", "type": "service", "list_price": 240.0}
        )
        cls.module_payroll = cls.env["product.product"].create(
            {
                "name": "Payroll",
                "default_code": "PAY",
                "type": "service",
                "list_price": 180.0,
                "cert_notice_days": "60,10",
            }
        )
        cls.set_product = cls.env["product.product"].create(
            {"name": "Qualified E-Signature Set", "type": "service", "list_price": 95.0, "taxes_id": [Command.clear()]}
        )

    @classmethod
    def _cert_user(cls, login, group):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{group}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _license(cls, valid_to, key="K-1", product=None, manager=None, **vals):
        return cls.env["cert.license"].create(
            {
                "license_key": key,
                "partner_id": cls.customer.id,
                "product_id": (product or cls.module_gl).id,
                "valid_from": date(2025, 1, 1),
                "valid_to": valid_to,
                "manager_id": (manager or cls.manager_a).id,
                **vals,
            }
        )

    @classmethod
    def _set(cls, manager=None, contract_type="commercial", certificates=None, **vals):
        certificates = certificates or [{"owner_name": "Mart Tamm", "purpose": "signing"}]
        return cls.env["cert.certificate.set"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.set_product.id,
                "manager_id": (manager or cls.manager_a).id,
                "contract_type": contract_type,
                "certificate_ids": [Command.create(c) for c in certificates],
                **vals,
            }
        )

    def _reminder_activities(self, record):
        activity_type = self.env.ref("cert_issuance.mail_activity_type_cert_renewal")
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("activity_type_id", "=", activity_type.id)]
        )

    def _run_cron(self):
        """The daily cron and the jobs it starts; returns the reminders whose renewal task they created."""
        reminders = self.env["cert.expiry.reminder"]
        before = reminders.search([], order="id desc", limit=1).id or 0
        with trap_jobs() as trap:
            reminders._cron_create_expiry_activities()
            perform_all_jobs(trap)
        return reminders.search([("id", ">", before), ("activity_id", "!=", False)], order="id")
