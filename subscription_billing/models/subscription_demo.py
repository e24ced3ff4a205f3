import datetime
import logging
from collections import defaultdict

from odoo import Command, api, fields, models

from ..tools import demo_story as story

_logger = logging.getLogger(__name__)


class SubscriptionDemo(models.AbstractModel):
    """Loads the demo story: a Ukrainian internet and TV provider with six months of billing.

    Called by the demo data only (``demo/subscription_billing_demo_ua.xml``). Everything is
    made through the ORM and the billing engine, day by day, so that invoices, payments,
    suspensions and reactivations are what the addon itself would have produced.
    """

    _name = "subscription.demo"
    _description = "Demo Story"

    @api.model
    def _demo_company(self):
        """The demo's provider, found by its registry code; created (with its users) when missing.

        Each addon's demo finds it the same way, so the telephony and certificate demos
        land in the same company whichever addon is installed first.
        """
        company = self.env["res.company"].search([("company_registry", "=", story.COMPANY_REGISTRY)], limit=1)
        if company:
            return company
        uah = self.env.ref("base.UAH")
        uah.active = True
        company = self.env["res.company"].create(
            {
                "name": story.COMPANY_NAME,
                "company_registry": story.COMPANY_REGISTRY,
                "currency_id": uah.id,
                "country_id": self.env.ref("base.ua").id,
                "city": "Київ",
                "zip": "01001",
                "street": "вул. Хрещатик, 22",
                "phone": "+380 44 290 10 10",
                "email": "info@merezha-plus.example.com.ua",
            }
        )
        company.partner_id.tz = "Europe/Kyiv"
        self._demo_ukrainian_users(company)
        return company

    @api.model
    def _demo_ukrainian_users(self, company):
        """The administrator and the demo user work in the demo company, in Ukrainian."""
        if not self.env["res.lang"]._lang_get("uk_UA").active:
            self.env["res.lang"]._activate_lang("uk_UA")
            # modules installed later get their Ukrainian terms from the installer itself
            self.env["ir.module.module"].search([("state", "=", "installed")])._update_translations("uk_UA")
        users = self.env.ref("base.user_admin") | self.env.ref("base.user_demo", raise_if_not_found=False)
        users.write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id, "lang": "uk_UA", "tz": "Europe/Kyiv"}
        )
        self.env.ref("base.user_admin").name = "Олександр Петренко"
        if self.env.ref("base.user_demo", raise_if_not_found=False):
            self.env.ref("base.user_demo").name = "Марко Демченко"

    @api.model
    def _demo_chart(self, company):
        """Ukraine's chart of accounts when l10n_ua is installed, else the generic one; in hryvnias."""
        if company.chart_template:
            return
        l10n_ua = self.env["ir.module.module"].search([("name", "=", "l10n_ua"), ("state", "=", "installed")])
        template = "ua_psbo" if l10n_ua else "generic_coa"
        # _load, not try_loading: the registry is still loading modules, which try_loading warns about;
        # nothing the chart needs comes from a module loaded later
        self.env["account.chart.template"]._load(template, company, install_demo=False)
        if company.currency_id != self.env.ref("base.UAH"):
            company.currency_id = self.env.ref("base.UAH")

    @api.model
    def _demo_partners(self, rows):
        """The subscribers' partners by their customer code (another addon's demo may have made some)."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        existing = {p.ref: p for p in Partner.search([("ref", "in", [row["ref"] for row in rows])])}
        created = Partner.create(
            [{**self._demo_partner_values(row), "mobile": row["mobile"]} for row in rows if row["ref"] not in existing]
        )
        for row in rows:
            if row["ref"] in existing:  # the story's name and address; the number they call from stays
                existing[row["ref"]].write(self._demo_partner_values(row))
        existing.update({p.ref: p for p in created})
        return existing

    @api.model
    def _demo_partner_values(self, row):
        return {
            **{key: row[key] for key in ("ref", "name", "is_company", "email", "city", "zip", "street")},
            "country_id": self.env.ref("base.ua").id,
            "lang": "uk_UA",
            "tz": "Europe/Kyiv",
        }

    @api.model
    def _demo_tariffs(self, company):
        tax = company.account_sale_tax_id
        tariffs = {}
        for key, (name, price, period, mode) in story.TARIFFS.items():
            product = self.env["product.product"].create(
                {
                    "name": name,
                    "type": "service",
                    "list_price": 0.0,
                    "default_code": f"МП-{key.upper()}",
                    "company_id": company.id,
                    "taxes_id": [Command.set(tax.ids)],
                }
            )
            tariffs[key] = self.env["subscription.tariff"].create(
                {
                    "name": name,
                    "company_id": company.id,
                    "product_id": product.id,
                    "price": price,
                    "period_kind": period,
                    "billing_mode": mode,
                    "alignment": "start",
                    "tariff_type": "recurring",
                }
            )
        return tariffs

    @api.model
    def _demo_policies(self, company, collector):
        """Copies of the default dunning and suspension policies, in Ukrainian."""
        dunning = self.env.ref("subscription_billing.dunning_policy_default").copy(
            {"company_id": company.id, "name": "Нагадування SMS", "collection_user_id": collector.id}
        )
        names = ["Рахунок виставлено", "За два дні до оплати", "День оплати", "Прострочено, щотижня",
                 "Передача до стягнення", "Дякуємо за оплату"]  # fmt: skip
        for step, name in zip(dunning.step_ids.sorted("sequence"), names, strict=False):
            step.name = name
        self.env.ref("subscription_billing.suspension_policy_default").copy(
            {"company_id": company.id, "name": "Призупинення через два тижні після строку оплати"}
        )

    @api.model
    def _demo_billing_user(self, company):
        existing = self.env["res.users"].search([("login", "=", "billing")], limit=1)
        if existing:
            return existing
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Оксана Бойко",
                    "login": "billing",
                    "password": "billing",
                    "email": "billing@merezha-plus.example.com.ua",
                    "lang": "uk_UA",
                    "tz": "Europe/Kyiv",
                    "company_id": company.id,
                    "company_ids": [Command.set([company.id, self.env.ref("base.main_company").id])],
                    "groups_id": [
                        Command.link(self.env.ref("subscription_billing.group_subscription_billing_user").id),
                        Command.link(self.env.ref("account.group_account_invoice").id),
                    ],
                }
            )
        )

    @api.model
    def _load_story(self, today=None):
        today = today or fields.Date.context_today(self)
        company = self._demo_company()
        self._demo_chart(company)
        demo = self.with_company(company).with_context(allowed_company_ids=company.ids, mail_create_nolog=True)
        return demo._load_story_in(company, today)

    @api.model
    def _load_story_in(self, company, today):
        collector = self._demo_billing_user(company)
        self._demo_policies(company, collector)
        for xmlid, name in (("group_residential", "Приватні клієнти"), ("group_business", "Бізнес-клієнти")):
            self.env.ref(f"subscription_billing.{xmlid}").with_context(lang="uk_UA").name = name
        rows = story.subscribers(today)
        partners = self._demo_partners(rows)
        tariffs = self._demo_tariffs(company)
        term = self.env.ref("account.account_payment_term_15days")
        groups = {
            "residential": self.env.ref("subscription_billing.group_residential"),
            "business": self.env.ref("subscription_billing.group_business"),
        }
        subs = self.env["subscription.subscription"].create(
            [
                {
                    "partner_id": partners[row["ref"]].id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "customer_group_id": groups[row["group"]].id,
                    "user_id": collector.id,
                    "payment_term_id": term.id,
                    "date_start": row["date_start"],
                    "line_ids": [Command.create({"tariff_id": tariffs[key].id}) for key in row["tariffs"]],
                }
                for row in rows
            ]
        )
        scenario = {sub: row["scenario"] for sub, row in zip(subs, rows, strict=True)}
        subs.action_activate()
        for sub in subs:
            sub.date_activated = sub.date_start
        self._demo_history(subs, scenario, today)
        self._demo_collection(subs, scenario, collector, today)
        self._demo_price_revision(tariffs, today)
        _logger.info(
            "Demo story loaded: %s subscriptions, %s invoices",
            len(subs),
            self.env["account.move"].search_count([("company_id", "=", company.id), ("move_type", "=", "out_invoice")]),
        )
        return subs

    @api.model
    def _demo_history(self, subs, scenario, today):
        """Bill, pay, promise, suspend and close week by week from the first start date to today.

        The billing run of each week dates its invoices that day; the payments of the week
        keep the days they were made. A week at a time keeps the demo's install short.
        """
        demo = self.with_context(tracking_disable=True)  # no tracking messages for 300 invoices
        policy = demo.env["subscription.suspension.policy"].search([("company_id", "=", subs.company_id.id)], limit=1)
        to_pay = defaultdict(list)  # day -> [(invoice, share)]
        events = {
            today - datetime.timedelta(days=story.PROMISE_DAYS_AGO): demo._demo_promise,
            today - datetime.timedelta(days=story.CLOSED_DAYS_AGO): demo._demo_close,
        }
        day = min(subs.mapped("date_start"))
        previous = day - datetime.timedelta(days=1)
        while True:
            demo._demo_pay({d: to_pay.pop(d) for d in sorted(to_pay) if d <= day})
            for event_day, event in events.items():
                if previous < event_day <= day:
                    event(subs, scenario, event_day)
            due = subs.filtered(lambda s, d=day: s.state == "active" and (s.next_invoice_date or d) <= d)
            if due:
                run = due.with_env(demo.env)._generate_invoices(day, trigger="manual")
                for move in demo.env["account.move"].search([("subscription_run_id", "=", run.id)]):
                    sub = move.invoice_line_ids.subscription_id[:1]
                    plan = story.payment(scenario[sub], move.invoice_date, move.invoice_date_due, today)
                    if plan and move.move_type == "out_invoice":
                        to_pay[plan[0]].append((move, plan[1]))
            if policy:
                overdue = policy._overdue_subscriptions(day)
                if overdue:
                    overdue.action_suspend()
                    overdue.date_suspended = day
            if day == today:
                break
            previous, day = day, min(day + datetime.timedelta(days=7), today)

    @api.model
    def _demo_pay(self, by_day):
        """Payments of the invoices (a share of it for a partial one), made on their days, matched to them."""
        pairs = [
            (day, move, share)
            for day, rows in by_day.items()
            for move, share in rows
            if move.payment_state in ("not_paid", "partial")
        ]
        if not pairs:
            return
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(pairs[0][1].company_id), ("type", "=", "bank")], limit=1
        )
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": move.commercial_partner_id.id,
                    "amount": move.currency_id.round(move.amount_residual * share),
                    "currency_id": move.currency_id.id,
                    "date": day,
                    "journal_id": journal.id,
                    "memo": move.name,
                }
                for day, move, share in pairs
            ]
        )
        payments.action_post()
        for payment, (_day, move, _share) in zip(payments, pairs, strict=True):
            lines = payment.move_id.line_ids | move.line_ids
            lines.filtered(lambda line: line.account_type == "asset_receivable" and not line.reconciled).reconcile()

    @api.model
    def _demo_promise(self, subs, scenario, day):
        promised = subs.filtered(lambda s: scenario[s] == "promise")
        self.env["subscription.payment.promise"].create(
            [{"subscription_id": sub.id, "date": day, "note": "Обіцяє сплатити з зарплати"} for sub in promised]
        )

    @api.model
    def _demo_close(self, subs, scenario, day):
        for sub in subs.filtered(lambda s: scenario[s] == "closed" and s.state == "active"):
            sub.date_end = day
            sub.action_close()
            sub.date_closed = day

    @api.model
    def _demo_collection(self, subs, scenario, collector, today):
        for sub in subs.filtered(lambda s: scenario[s] == "collection"):
            moves = self.env["account.move"].search(
                [*sub._invoice_domain(), ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial"))]
            )
            case = self.env["subscription.collection.case"].create(
                {
                    "partner_id": sub.partner_id.id,
                    "company_id": sub.company_id.id,
                    "date_opened": min(moves.mapped("invoice_date_due")) + datetime.timedelta(days=21),
                    "user_id": collector.id,
                    "move_ids": [Command.set(moves.ids)],
                    "note": "Не відповідає на дзвінки, договір передано юристу.",
                }
            )
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today + datetime.timedelta(days=3),
                summary="Надіслати претензію",
                user_id=collector.id,
            )

    @api.model
    def _demo_price_revision(self, tariffs, today):
        """Internet prices go up by 10% on the first day of the month after next; customers were told."""
        first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        self.env["subscription.price.revision"].create(
            {
                "tariff_ids": [Command.set([tariffs["inet_100"].id, tariffs["inet_500"].id])],
                "method": "percent",
                "value": 10.0,
                "date_effective": (first + datetime.timedelta(days=32)).replace(day=1),
                "notify": True,
            }
        ).action_apply()
