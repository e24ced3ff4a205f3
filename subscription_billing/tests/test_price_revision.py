from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SubscriptionBillingCommon

D = date


@tagged("post_install", "-at_install")
class TestPriceRevision(SubscriptionBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_home = cls.env["res.partner"].create({"name": "Home Customer", "email": "home@example.com"})
        cls.partner_biz = cls.env["res.partner"].create({"name": "Business Customer", "email": "biz@example.com"})

    def _revision(self, **vals):
        form = Form(self.env["subscription.price.revision"])
        for name, value in vals.items():
            if name in ("tariff_ids", "customer_group_ids", "subscription_ids"):
                for record in value:
                    getattr(form, name).add(record)
            else:
                setattr(form, name, value)
        return form

    def test_staged_increase_applies_on_its_dates_split_by_day(self):
        home = self._subscribe(
            [self.monthly], D(2025, 1, 1), partner=self.partner_home, customer_group_id=self.group_home.id
        )
        biz = self._subscribe(
            [self.monthly], D(2025, 1, 1), partner=self.partner_biz, customer_group_id=self.group_business.id
        )
        self._bill(D(2025, 1, 1))

        form = self._revision(
            customer_group_ids=self.group_home,
            method="percent",
            value=10.0,
            date_effective=D(2025, 2, 15),
            staging="steps",
            step_count=2,
            months_between=3,
        )
        self.assertEqual(form.subscription_count, 1)
        self.assertAlmostEqual(form.mrr_before, 31.0)
        self.assertAlmostEqual(form.mrr_after, 37.51)
        self.assertIn("Home", form.preview_html)
        form.save().action_apply()

        changes = home.price_change_ids.sorted("date_effective")
        self.assertEqual(
            [(c.date_effective, round(c.price_old, 2), round(c.price_new, 2), c.state) for c in changes],
            [(D(2025, 2, 15), 31.0, 34.1, "pending"), (D(2025, 5, 15), 34.1, 37.51, "pending")],
        )
        self.assertEqual(home.pending_change_count, 2)
        self.assertFalse(biz.price_change_ids)
        notice = self.env["mail.mail"].search([("model", "=", home._name), ("res_id", "=", home.id)])
        self.assertEqual(len(notice), 1)
        self.assertIn(home.name, notice.subject)
        self.assertIn("34.10", notice.body_html)
        self.assertIn("02/15/2025", notice.body_html)
        self.assertTrue(all(changes.mapped("notified")))

        self._bill(D(2025, 2, 1))  # February straddles the first step: split by day
        self.assertEqual(
            self._lines(self._invoices(home)[-1]),
            [(D(2025, 2, 1), D(2025, 2, 14), 15.5), (D(2025, 2, 15), D(2025, 2, 28), 17.05)],
        )
        self.assertEqual(self._lines(self._invoices(biz)[-1]), [(D(2025, 2, 1), D(2025, 2, 28), 31.0)])
        self.assertEqual(changes.mapped("state"), ["applied", "pending"])
        self.assertEqual(home.pending_change_count, 1)

        self._bill(D(2025, 5, 1))  # catches up March and April at 34.10, splits May
        self.assertEqual(
            self._lines(self._invoices(home)[-1]),
            [
                (D(2025, 3, 1), D(2025, 3, 31), 34.1),
                (D(2025, 4, 1), D(2025, 4, 30), 34.1),
                (D(2025, 5, 1), D(2025, 5, 14), 15.4),
                (D(2025, 5, 15), D(2025, 5, 31), 20.57),
            ],
        )
        self.assertEqual(changes.mapped("state"), ["applied", "applied"])

    def test_groups_staged_months_apart(self):
        home = self._subscribe(
            [self.monthly], D(2025, 1, 1), partner=self.partner_home, customer_group_id=self.group_home.id
        )
        biz = self._subscribe(
            [self.monthly], D(2025, 1, 1), partner=self.partner_biz, customer_group_id=self.group_business.id
        )
        self.group_business.sequence = 1  # business customers first
        form = self._revision(
            tariff_ids=self.monthly,
            method="amount",
            value=2.0,
            date_effective=D(2025, 3, 1),
            staging="groups",
            months_between=2,
            notify=False,
        )
        self.assertEqual(form.subscription_count, 2)
        self.assertAlmostEqual(form.mrr_after - form.mrr_before, 4.0)
        form.save().action_apply()
        self.assertEqual([(c.date_effective, c.price_new) for c in biz.price_change_ids], [(D(2025, 3, 1), 33.0)])
        self.assertEqual([(c.date_effective, c.price_new) for c in home.price_change_ids], [(D(2025, 5, 1), 33.0)])
        self.assertEqual(self.monthly._price_at(D(2025, 6, 1)), 31.0, "a staged revision leaves the tariff alone")
        self._bill(D(2025, 4, 1))
        self.assertEqual(self._lines(self._invoices(biz))[-1], (D(2025, 4, 1), D(2025, 4, 30), 33.0))
        self.assertEqual(self._lines(self._invoices(home))[-1], (D(2025, 4, 1), D(2025, 4, 30), 31.0))

    def test_whole_tariff_revision_moves_the_tariff_price(self):
        self._subscribe([self.monthly], D(2025, 1, 1), partner=self.partner_home)
        self._revision(
            tariff_ids=self.monthly, method="fixed", value=40.0, date_effective=D(2025, 6, 1), notify=False
        ).save().action_apply()
        self.assertEqual(self.monthly._price_at(D(2025, 5, 31)), 31.0)
        self.assertEqual(self.monthly._price_at(D(2025, 6, 1)), 40.0)

    def test_revision_without_target_refused(self):
        wizard = self._revision(
            subscription_ids=self._subscribe([self.monthly], D(2025, 1, 1), activate=False),
            method="percent",
            value=0.0,
        ).save()
        with self.assertRaisesRegex(UserError, "Enter the increase"):
            wizard.action_apply()
