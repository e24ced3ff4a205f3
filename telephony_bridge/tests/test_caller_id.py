from odoo.tests import tagged

from .common import TelephonyCase, trap_jobs


@tagged("post_install", "-at_install")
class TestCallerId(TelephonyCase):
    def test_partner_numbers_stored_in_e164(self):
        self.assertEqual(self.customer.phone_e164, "+49301234567")
        self.assertEqual(self.contact.mobile_e164, "+491715550101")
        self.customer.phone = "0049 40 555 1234"
        self.assertEqual(self.customer.phone_e164, "+49405551234")

    def test_national_numbers_read_with_the_partners_own_country_first(self):
        """A company based in New York: its German customer's Berlin 030 number is German."""
        self.company.telephony_default_country_id = self.env.ref("base.us")
        Partner = self.env["res.partner"]
        berlin = Partner.create(
            {"name": "Kanzlei Weber", "phone": "030 1234567", "country_id": self.env.ref("base.de").id}
        )
        local = Partner.create({"name": "Deli on 5th", "phone": "(212) 555-0123"})
        self.assertEqual(berlin.phone_e164, "+49301234567", "not the North American +1 030...")
        self.assertEqual(local.phone_e164, "+12125550123", "no country of its own: the company's")
        local.country_id = self.env.ref("base.ua")
        local.phone = "044 123 4567"
        self.assertEqual(local.phone_e164, "+380441234567")
        self.assertIn(berlin, Partner.with_user(self.agent)._telephony_find_by_number("+49 30 1234567"))

    def test_every_written_form_finds_the_partner(self):
        Partner = self.env["res.partner"]
        for raw in ("030 1234567", "+49 30 1234567", "0049301234567", "(030) 123-45-67", "+49-30-1234567"):
            with self.subTest(raw=raw):
                self.assertEqual(Partner._telephony_find_by_number(raw, "DE"), self.customer)
        self.assertEqual(Partner._telephony_find_by_number("0171 5550101", "DE"), self.contact)

    def test_shared_number_returns_every_partner(self):
        other = self.env["res.partner"].create({"name": "Schulz Senior", "mobile": "+49 30 123 4567"})
        found = self.env["res.partner"]._telephony_find_by_number("030/1234567", "DE")
        self.assertEqual(found, self.customer | other)
        self.assertEqual(found[0], self.customer, "the company comes first")
        company_id = self.env.company.id
        self.assertEqual(
            self.env["res.partner"]._telephony_caller_ids("+49301234567", company_id),
            found.ids,
            "call events find the partners of the lookup of the screen, in its order",
        )
        self.customer.active = False
        self.assertEqual(self.env["res.partner"]._telephony_caller_ids("+49301234567", company_id), other.ids)
        other.company_id = self.env["res.company"].create({"name": "Other Telecom"})
        self.assertEqual(self.env["res.partner"]._telephony_caller_ids("+49301234567", company_id), [])

    def test_unknown_anonymous_and_malformed_numbers_find_nobody(self):
        Partner = self.env["res.partner"]
        for raw in ("+49 89 999999", "anonymous", "", "12", "abc"):
            with self.subTest(raw=raw):
                self.assertFalse(Partner._telephony_find_by_number(raw, "DE"))

    def test_lookup_is_an_index_scan(self):
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(
            "EXPLAIN SELECT id FROM res_partner WHERE phone_e164 = %s OR mobile_e164 = %s",
            ["+49301234567", "+49301234567"],
        )
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("res_partner__phone_e164_index", plan)
        self.assertIn("res_partner__mobile_e164_index", plan)

    def test_backfill_fills_existing_partners_in_batches(self):
        self.env.cr.execute(
            "UPDATE res_partner SET phone_e164 = NULL, mobile_e164 = NULL WHERE id IN %s",
            [(self.customer.id, self.contact.id)],
        )
        self.env.invalidate_all()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("telephony_bridge.partner_backfill_last_id", str(self.customer.id - 1))
        Partner = self.env["res.partner"]
        with trap_jobs() as trap:
            Partner._cron_backfill_phone_e164(limit=1)
            trap.assert_jobs_count(1)
            self.assertFalse(self.customer.phone_e164, "the cron only starts the jobs")
            job = trap.enqueued_jobs[0]
            trap.enqueued_jobs = []
            job.perform()  # the first batch
        self.assertEqual(self.customer.phone_e164, "+49301234567")
        self.assertFalse(self.contact.mobile_e164, "the second partner belongs to the next batch")
        self.assertEqual(params.get_param("telephony_bridge.partner_backfill_last_id"), str(self.customer.id))
        self.assertTrue(job.result.startswith("1 partners normalized, "), job.result)
        with trap_jobs() as trap:
            Partner._cron_backfill_phone_e164(limit=1000)
            while trap.enqueued_jobs:  # each batch enqueues the next one while partners are left
                trap.perform_enqueued_jobs()
        self.assertEqual(self.contact.mobile_e164, "+491715550101")
