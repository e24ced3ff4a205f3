from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestPipeline(CertCommon):
    def _pay(self, invoice, amount=None):
        wizard = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
        vals = {"payment_date": date(2026, 3, 2)}
        if amount is not None:
            vals["amount"] = amount
        return wizard.create(vals)._create_payments()

    def test_full_pipeline_moves_on_payment(self):
        with Form(self.env["cert.certificate.set"]) as form:
            form.partner_id = self.customer
            form.product_id = self.set_product
            self.assertEqual(form.price_unit, 95.0, "the set product gives the price")
            form.price_unit = 120.0
            form.manager_id = self.manager_a
            with form.certificate_ids.new() as line:
                line.owner_name = "Mart Tamm"
                line.purpose = "signing"
        cert_set = form.save()
        self.assertTrue(cert_set.name.startswith("CS/"))
        self.assertEqual(cert_set.state, "draft")

        with freeze_time("2026-03-01"):
            cert_set.action_create_invoice()
        invoice = cert_set.invoice_id
        self.assertEqual(cert_set.state, "invoiced")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.amount_total, 120.0)
        self.assertEqual(invoice.invoice_origin, cert_set.name)
        self.assertIn(
            "Created from the certificate set "
            f'<a href="#" data-oe-model="cert.certificate.set" data-oe-id="{cert_set.id}"',
            invoice.message_ids[:1].body,
        )

        self._pay(invoice, amount=50.0)
        self.assertEqual(cert_set.state, "invoiced", "a partial payment does not make the set paid")
        with freeze_time("2026-03-02"):
            self._pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(cert_set.state, "paid")
        self.assertEqual(cert_set.payment_date, date(2026, 3, 2))

        with freeze_time("2026-03-03"):
            cert_set.with_user(self.manager_a).action_mark_ordered()
        self.assertEqual(
            (cert_set.state, cert_set.ordered_by_id, cert_set.ordered_date),
            ("ordered", self.manager_a, date(2026, 3, 3)),
        )
        with freeze_time("2026-03-04"):
            cert_set.with_user(self.head).action_mark_generated()
        self.assertEqual(
            (cert_set.state, cert_set.generated_by_id, cert_set.generated_date),
            ("generated", self.head, date(2026, 3, 4)),
        )
        with self.assertRaisesRegex(UserError, "documents of .* are not complete"):
            cert_set.action_close()
        cert_set.write({"documents_complete": True, "documents_location": "archive"})
        cert_set.action_close()
        self.assertEqual(cert_set.state, "closed")

    def test_wrong_order_of_steps_refused(self):
        cert_set = self._set()
        with self.assertRaisesRegex(UserError, "Ordering is not possible for .*: it is Draft"):
            cert_set.action_mark_ordered()
        cert_set.action_create_invoice()
        with self.assertRaisesRegex(UserError, "Invoicing is not possible"):
            cert_set.action_create_invoice()

    def test_invoicing_needs_billing_rights(self):
        cert_set = self._set(manager=self.manager_a)
        with self.assertRaisesRegex(UserError, "needs the Invoicing / Billing access rights"):
            cert_set.with_user(self.manager_a).action_create_invoice()
        self.manager_a.groups_id += self.env.ref("account.group_account_invoice")
        cert_set.with_user(self.manager_a).action_create_invoice()
        self.assertEqual(cert_set.state, "invoiced")

    def test_reset_invoiced_set_cancels_invoice(self):
        cert_set = self._set()
        cert_set.action_create_invoice()
        invoice = cert_set.invoice_id
        cert_set.action_reset_draft()
        self.assertEqual(cert_set.state, "draft")
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(cert_set.invoice_id)

    def test_issuance_statistics_funnel(self):
        paid = self._set()
        paid.action_create_invoice()
        self._pay(paid.invoice_id)
        self._set()  # draft
        invoiced = self._set(manager=self.manager_b)
        invoiced.action_create_invoice()
        report = self.env["cert.issuance.report"]
        groups = report.read_group([("set_id", "in", [*(paid | invoiced).ids, paid.id + 1])], ["stage"], ["stage"])
        funnel = {group["stage"]: group["stage_count"] for group in groups}
        self.assertEqual(funnel, {"issued": 3, "paid": 1})
        per_manager = report.read_group(
            [("stage", "=", "issued"), ("set_id", "in", (paid | invoiced).ids)], ["amount:sum"], ["manager_id"]
        )
        self.assertEqual(
            {group["manager_id"][0]: group["amount"] for group in per_manager},
            {self.manager_a.id: 95.0, self.manager_b.id: 95.0},
        )

    def test_renew_set_links_certificates_and_closes_tasks(self):
        cert_set = self._set(
            region="North",
            certificates=[
                {
                    "owner_name": "Liis Kask",
                    "purpose": "signing",
                    "valid_from": date(2024, 3, 1),
                    "valid_to": date(2026, 3, 10),
                },
                {
                    "owner_name": "Liis Kask",
                    "purpose": "encryption",
                    "valid_from": date(2024, 3, 1),
                    "valid_to": date(2026, 3, 10),
                },
            ],
        )
        with freeze_time("2026-03-01"):
            self._run_cron()
        self.assertEqual(len(self._reminder_activities(cert_set)), 2)
        action = cert_set.action_renew()
        renewal = self.env["cert.certificate.set"].browse(action["res_id"])
        self.assertEqual(renewal.state, "draft")
        self.assertEqual((renewal.partner_id, renewal.region), (self.customer, "North"))
        self.assertEqual(renewal.certificate_ids.renews_id, cert_set.certificate_ids)
        self.assertEqual(cert_set.certificate_ids.renewed_by_id, renewal.certificate_ids)
        self.assertFalse(self._reminder_activities(cert_set))

    def test_partner_card_counts(self):
        self._set()
        self._license(date(2027, 1, 1), key="CARD-1")
        self.assertEqual((self.customer.cert_set_count, self.customer.cert_license_count), (1, 1))
        action = self.customer.action_cert_view_licenses()
        self.assertEqual(self.env["cert.license"].search(action["domain"]).license_key, "CARD-1")

    def test_kanban_shows_every_stage_in_pipeline_order(self):
        # One set in draft and one invoiced; no set is paid, ordered, generated or closed.
        # The kanban (grouped by state, lazily, like the web client) must still show the six
        # stages, in the order a set goes through them, with the empty ones counting 0.
        draft = self._set()
        invoiced = self._set()
        invoiced.action_create_invoice()
        domain = [("id", "in", (draft | invoiced).ids)]
        groups = self.env["cert.certificate.set"].web_read_group(domain, ["state"], ["state"], lazy=True)["groups"]
        self.assertEqual(
            [(group["state"], group["state_count"]) for group in groups],
            [("draft", 1), ("invoiced", 1), ("paid", 0), ("ordered", 0), ("generated", 0), ("closed", 0)],
        )
