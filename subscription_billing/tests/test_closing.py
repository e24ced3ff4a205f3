from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SubscriptionBillingCommon

D = date


@tagged("post_install", "-at_install")
class TestClosing(SubscriptionBillingCommon):
    """The final invoice of a closing is never dated after the day it is made, and each
    subscription closed in one go gets its own date (and so its own tax period)."""

    def _assert_dated(self, move, invoice_date, accounting_date=None):
        accounting_date = accounting_date or invoice_date
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.invoice_date, invoice_date)
        self.assertEqual(move.date, accounting_date, "the accounting date decides the tax period")
        self.assertEqual((move.date.year, move.date.month), (accounting_date.year, accounting_date.month))

    def test_close_on_the_end_date_dates_the_final_invoice_that_day(self):
        """Closed on its last day of service, the final invoice is dated that day, not the day after."""
        sub = self._subscribe([self.tariffs["arrears"]["month"]], D(2025, 1, 1), date_end=D(2025, 1, 31))
        with freeze_time("2025-01-31"):
            sub.action_close()
        invoice = self._invoices(sub)
        self.assertEqual(self._lines(invoice), [(D(2025, 1, 1), D(2025, 1, 31), 31.0)])
        self._assert_dated(invoice, D(2025, 1, 31))

    def test_close_with_an_end_date_in_the_future_credits_now_and_charges_when_due(self):
        """Unused days already invoiced are credited at once, dated today; the days still to
        serve are charged by the billing runs on their usual dates, never in advance of today."""
        advance = self._subscribe([self.monthly], D(2025, 1, 1), date_end=D(2025, 1, 25))
        later = self._subscribe([self.monthly], D(2025, 1, 1), partner=self.partner_b, date_end=D(2025, 3, 20))
        arrears = self._subscribe([self.tariffs["arrears"]["month"]], D(2025, 1, 1), date_end=D(2025, 2, 14))
        self._bill(D(2025, 1, 1))
        with freeze_time("2025-01-10"):
            (advance | later | arrears).action_close()
        self.assertEqual((advance | later | arrears).mapped("state"), ["closed"] * 3)

        _january, credit_note = self._invoices(advance)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(self._lines(credit_note), [(D(2025, 1, 26), D(2025, 1, 31), 6.0)])
        self._assert_dated(credit_note, D(2025, 1, 10))
        self.assertEqual(len(self._invoices(later)), 1, "February and March are not billed ahead of time")
        self.assertFalse(self._invoices(arrears), "nothing is charged before it is served")
        self.assertEqual(later.next_invoice_date, D(2025, 2, 1))
        self.assertEqual(arrears.next_invoice_date, D(2025, 2, 1))

        for day in (D(2025, 2, 1), D(2025, 2, 15), D(2025, 3, 1)):
            self._bill(day)
        _january, february, march = self._invoices(later)
        self.assertEqual(self._lines(february), [(D(2025, 2, 1), D(2025, 2, 28), 31.0)])
        self._assert_dated(february, D(2025, 2, 1))
        self.assertEqual(self._lines(march), [(D(2025, 3, 1), D(2025, 3, 20), 20.0)])
        self._assert_dated(march, D(2025, 3, 1))
        self.assertFalse(later.next_invoice_date)
        january, february = self._invoices(arrears)
        self.assertEqual(self._lines(january), [(D(2025, 1, 1), D(2025, 1, 31), 31.0)])
        self._assert_dated(january, D(2025, 2, 1))
        self.assertEqual(self._lines(february), [(D(2025, 2, 1), D(2025, 2, 14), 15.5)])
        self._assert_dated(february, D(2025, 2, 15))
        self.assertFalse(arrears.next_invoice_date)

    def test_close_several_at_once_dates_each_final_invoice_by_its_own_end_date(self):
        january_end = self._subscribe([self.tariffs["arrears"]["month"]], D(2025, 1, 1), date_end=D(2025, 1, 20))
        february_end = self._subscribe(
            [self.tariffs["arrears"]["month"]], D(2025, 1, 1), partner=self.partner_b, date_end=D(2025, 2, 14)
        )
        credited = self._subscribe([self.monthly], D(2025, 1, 1), date_end=D(2025, 1, 20))
        self._bill(D(2025, 1, 1))
        with freeze_time("2025-03-10"):
            (january_end | february_end | credited).action_close()

        invoice = self._invoices(january_end)
        self.assertEqual(self._lines(invoice), [(D(2025, 1, 1), D(2025, 1, 20), 20.0)])
        self._assert_dated(invoice, D(2025, 1, 20))
        invoice = self._invoices(february_end)
        self.assertEqual(
            self._lines(invoice), [(D(2025, 1, 1), D(2025, 1, 31), 31.0), (D(2025, 2, 1), D(2025, 2, 14), 15.5)]
        )
        self._assert_dated(invoice, D(2025, 2, 14))
        # Days already invoiced are credited by a credit note dated when the closing is decided:
        # it corrects the January invoice in the tax period it is issued in.
        _january, credit_note = self._invoices(credited)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(self._lines(credit_note), [(D(2025, 1, 21), D(2025, 1, 31), 11.0)])
        self._assert_dated(credit_note, D(2025, 3, 10))

    def test_close_into_a_closed_tax_period_is_accounted_in_the_first_open_one(self):
        """The invoice keeps its end date; Odoo accounts it after the tax lock date."""
        sub = self._subscribe([self.tariffs["arrears"]["month"]], D(2025, 1, 1), date_end=D(2025, 1, 20))
        self._bill(D(2025, 1, 1))
        self.env.company.tax_lock_date = D(2025, 1, 31)
        with freeze_time("2025-03-10"):
            sub.action_close()
        invoice = self._invoices(sub)
        self.assertEqual(self._lines(invoice), [(D(2025, 1, 1), D(2025, 1, 20), 20.0)])
        self.assertEqual(invoice.invoice_date, D(2025, 1, 20))
        self.assertGreater(invoice.date, D(2025, 1, 31))
        self.assertLessEqual(invoice.date, D(2025, 3, 10))
