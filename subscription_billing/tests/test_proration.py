from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SubscriptionBillingCommon

D = date


@tagged("post_install", "-at_install")
class TestProration(SubscriptionBillingCommon):
    def test_start_mid_period_prorated_for_each_period_kind(self):
        """A line starting inside a calendar period is billed for its days only."""
        cases = {
            # kind: (line start, period end, days billed at 1.00 a day)
            "month": (D(2025, 1, 11), D(2025, 1, 31), 21.0),
            "quarter": (D(2025, 3, 2), D(2025, 3, 31), 30.0),
            "year": (D(2025, 12, 2), D(2025, 12, 31), 30.0),
            # 30-day periods count from the subscription start (1 January): 21-30 January
            "days": (D(2025, 1, 21), D(2025, 1, 30), 10.0),
        }
        for kind, (start, period_end, amount) in cases.items():
            with self.subTest(kind=kind):
                sub = self._subscribe(
                    [{"tariff_id": self.tariffs["advance"][kind].id, "date_start": start}], D(2025, 1, 1)
                )
                self.assertEqual(sub.next_invoice_date, start)
                self._bill(start)
                invoice = self._invoices(sub)
                self.assertEqual(len(invoice), 1)
                self.assertEqual(invoice.state, "posted")
                self.assertEqual(self._lines(invoice), [(start, period_end, amount)])
                self.assertAlmostEqual(invoice.amount_untaxed, amount)
                self.assertAlmostEqual(invoice.amount_total, round(amount * 1.15, 2))
                self.assertIn(
                    f"{start.strftime('%m/%d/%Y')} - {period_end.strftime('%m/%d/%Y')}", invoice.invoice_line_ids.name
                )

    def test_end_mid_period_billed_in_arrears_final_invoice(self):
        """Closing bills the last, partial period at once, prorated by day."""
        cases = {
            "month": (D(2025, 1, 20), D(2025, 1, 1), 20.0),
            "quarter": (D(2025, 2, 14), D(2025, 1, 1), 45.0),
            "year": (D(2025, 3, 31), D(2025, 1, 1), 90.0),
            "days": (D(2025, 1, 5), D(2025, 1, 1), 5.0),
        }
        for kind, (end, period_start, amount) in cases.items():
            with self.subTest(kind=kind):
                sub = self._subscribe([self.tariffs["arrears"][kind]], D(2025, 1, 1))
                sub.date_end = end
                with freeze_time(end):
                    sub.action_close()
                self.assertEqual(sub.state, "closed")
                self.assertEqual(sub.date_closed, end)
                invoice = self._invoices(sub)
                self.assertEqual(len(invoice), 1)
                self.assertEqual(invoice.move_type, "out_invoice")
                self.assertEqual(self._lines(invoice), [(period_start, end, amount)])
                self.assertFalse(sub.next_invoice_date)

    def test_close_mid_period_billed_in_advance_credits_unused_days(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        sub.date_end = D(2025, 1, 20)
        with freeze_time("2025-01-20"):
            sub.action_close()
        invoice, credit_note = self._invoices(sub)
        self.assertEqual(self._lines(invoice), [(D(2025, 1, 1), D(2025, 1, 31), 31.0)])
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(self._lines(credit_note), [(D(2025, 1, 21), D(2025, 1, 31), 11.0)])
        self.assertIn("credit for unused days", credit_note.invoice_line_ids.name)
        self.assertEqual(sub.line_ids.billed_until, D(2025, 1, 20))

    def test_tariff_change_mid_period_for_each_period_kind(self):
        """Old tariff credited for the days after the change, new tariff charged for them."""
        cases = {
            # kind: (change day, period end, days left in the period)
            "month": (D(2025, 1, 21), D(2025, 1, 31), 11),
            "quarter": (D(2025, 3, 2), D(2025, 3, 31), 30),
            "year": (D(2025, 12, 2), D(2025, 12, 31), 30),
            "days": (D(2025, 1, 21), D(2025, 1, 30), 10),
        }
        for kind, (change, period_end, days) in cases.items():
            with self.subTest(kind=kind):
                sub = self._subscribe([self.tariffs["advance"][kind]], D(2025, 1, 1))
                self._bill(D(2025, 1, 1))
                wizard = (
                    self.env["subscription.change.tariff"]
                    .with_context(default_subscription_id=sub.id)
                    .create({"tariff_id": self.double[kind].id, "date_change": change})
                )
                wizard.action_apply()
                old, new = sub.line_ids.sorted("date_start")
                self.assertEqual(old.date_end, change - timedelta(days=1))
                self.assertEqual(sub.next_invoice_date, change)
                self._bill(change)
                second = self._invoices(sub)[-1]
                self.assertEqual(
                    self._lines(second), [(change, period_end, -float(days)), (change, period_end, 2.0 * days)]
                )
                self.assertAlmostEqual(second.amount_untaxed, float(days))
                self.assertEqual(old.billed_until, old.date_end)
                self.assertEqual(new.billed_until, period_end)

    def test_in_advance_and_in_arrears_invoice_dates(self):
        advance = self._subscribe([self.monthly], D(2025, 1, 15))
        arrears = self._subscribe([self.tariffs["arrears"]["month"]], D(2025, 1, 15))
        self.assertEqual(advance.next_invoice_date, D(2025, 1, 15))
        self.assertEqual(arrears.next_invoice_date, D(2025, 2, 1))
        self._bill(D(2025, 1, 15))
        self.assertEqual(self._lines(self._invoices(advance)), [(D(2025, 1, 15), D(2025, 1, 31), 17.0)])
        self.assertFalse(self._invoices(arrears), "nothing is billed in arrears before the period ends")
        self.assertEqual(advance.next_invoice_date, D(2025, 2, 1))
        self._bill(D(2025, 2, 1))
        self.assertEqual(self._lines(self._invoices(arrears)), [(D(2025, 1, 15), D(2025, 1, 31), 17.0)])
        self.assertEqual(self._lines(self._invoices(advance)[-1]), [(D(2025, 2, 1), D(2025, 2, 28), 31.0)])
        self.assertEqual(arrears.next_invoice_date, D(2025, 3, 1))

    def test_start_date_alignment_bills_whole_periods_from_the_start(self):
        tariff = self._tariff("Aligned on start", 31.0, "month", alignment="start")
        sub = self._subscribe([tariff], D(2025, 1, 15))
        self._bill(D(2025, 2, 20))
        self.assertEqual(
            self._lines(self._invoices(sub)),
            [(D(2025, 1, 15), D(2025, 2, 14), 31.0), (D(2025, 2, 15), D(2025, 3, 14), 31.0)],
        )
        self.assertEqual(sub.next_invoice_date, D(2025, 3, 15))

    def test_one_shot_fee_billed_once_with_next_invoice(self):
        sub = self._subscribe([self.monthly, self.connection_fee], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        self._bill(D(2025, 2, 1))
        first, second = self._invoices(sub)
        self.assertEqual(sorted(first.invoice_line_ids.mapped("price_unit")), [31.0, 50.0])
        self.assertIn("Connection", first.invoice_line_ids.mapped("name"))
        self.assertEqual(second.invoice_line_ids.mapped("price_unit"), [31.0])

    def test_same_price_recorded_again_keeps_one_december_line(self):
        """A dated price equal to the price in force does not split the period it falls in."""
        sub = self._subscribe([self.monthly], D(2025, 11, 1))
        # The tariff was saved again on 2 December without changing its price (31.00 a month).
        self.env["subscription.tariff.price"].create(
            {"tariff_id": self.monthly.id, "date_start": D(2025, 12, 2), "price": 31.0}
        )
        self._bill(D(2025, 11, 1))
        self._bill(D(2025, 12, 1))
        december = self._invoices(sub)[-1]
        # By hand: December billed in advance on 1 December, 31 days at 31.00 a month = one
        # line 1-31 December at 31.00 (before: 1 Dec at 1.00 and 2-31 Dec at 30.00).
        self.assertEqual(self._lines(december), [(D(2025, 12, 1), D(2025, 12, 31), 31.0)])
        self.assertAlmostEqual(december.amount_untaxed, 31.0)

    @freeze_time("2025-11-30 23:30:00")
    def test_price_change_dated_in_the_company_time_zone(self):
        """A price typed in at 01:30 on 1 December in Tallinn holds from 1 December, not 30 November."""
        self.env.user.tz = "UTC"
        self.env.company.partner_id.tz = "Europe/Tallinn"  # UTC+2 in winter: 23:30 UTC is 01:30 on 1 Dec
        sub = self._subscribe([self.monthly], D(2025, 11, 1))
        self.monthly.price = 62.0
        self.assertEqual(self.monthly.price_history_ids.sorted("date_start")[-1].date_start, D(2025, 12, 1))
        self.assertEqual(self.env.company._subscription_today(), D(2025, 12, 1))
        self._bill(D(2025, 11, 1))
        self._bill(D(2025, 12, 1))
        november, december = self._invoices(sub)
        # By hand: November 30 days at 31.00 a month (one line, the old price all month);
        # December 31 days at the new 62.00 (one line). Dated in UTC the new price would
        # start on 30 November: 29 days at 31.00/30 + 1 day at 62.00/30 in November.
        self.assertEqual(self._lines(november), [(D(2025, 11, 1), D(2025, 11, 30), 31.0)])
        self.assertEqual(self._lines(december), [(D(2025, 12, 1), D(2025, 12, 31), 62.0)])
