import datetime

from odoo import Command, api, fields, models

# The demo's Ukrainian provider is found by its registry code: whichever addon's demo is
# installed first creates it (see subscription_billing's and telephony_bridge's demo too).
DEMO_COMPANY_REGISTRY = "43871268"
# Business customers by customer code (subscription_billing's demo makes them subscribers too).
CUSTOMERS = [
    ("МП-0005", "ТОВ «Смачна випічка»", "40123454"),
    ("МП-0010", "ТОВ «Дентал Плюс»", "41234569"),
    ("МП-0015", "ФОП Гриценко О. В.", "42567894"),
    ("МП-0020", "ТОВ «Агро-Логістик»", "42345678"),
    ("МП-0025", "Кав'ярня «Зерно»", "43012344"),
    ("МП-0030", "ТОВ «Архітектурне бюро Обрій»", "43456787"),
]
# (customer, module, days from today to the end of the licence)
LICENSES = [
    (0, "ledger", 9), (0, "payroll", 45), (1, "ledger", 3), (1, "reports", 150), (2, "reports", 20),
    (3, "ledger", 28), (3, "payroll", -12), (4, "reports", 70), (5, "ledger", 200), (5, "reports", 14),
]  # fmt: skip
# (customer, pipeline state, owners, days from today to the end of its certificates)
CERT_SETS = [
    (0, "draft", ["Гриценко Олег Васильович"], None),
    (1, "draft", ["Коваль Ірина Петрівна", "Коваль Ірина Петрівна"], None),
    (2, "invoiced", ["Гриценко Олег Васильович"], None),
    (3, "paid", ["Бондар Сергій Миколайович"], None),
    (4, "paid", ["Лисенко Анна Іванівна"], None),
    (5, "ordered", ["Ткачук Роман Олегович"], None),
    (0, "generated", ["Шевчук Людмила Андріївна"], 12),
    (3, "generated", ["Бондар Сергій Миколайович", "Мельник Олена Степанівна"], 26),
    (1, "closed", ["Коваль Ірина Петрівна"], 40),
    (5, "closed", ["Ткачук Роман Олегович"], 300),
]


class CertDemo(models.AbstractModel):
    """Loads the demo's licences and e-signature certificates of a Ukrainian provider's customers."""

    _name = "cert.demo"
    _description = "Certificates Demo Story"

    @api.model
    def _demo_company(self):
        company = self.env["res.company"].search([("company_registry", "=", DEMO_COMPANY_REGISTRY)], limit=1)
        if not company:
            uah = self.env.ref("base.UAH")
            uah.active = True
            company = self.env["res.company"].create(
                {
                    "name": "ТОВ «Мережа Плюс»",
                    "company_registry": DEMO_COMPANY_REGISTRY,
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
            if not self.env["res.lang"]._lang_get("uk_UA").active:
                self.env["res.lang"]._activate_lang("uk_UA")
                self.env["ir.module.module"].search([("state", "=", "installed")])._update_translations("uk_UA")
            admin, demo = self.env.ref("base.user_admin"), self.env.ref("base.user_demo")
            (admin | demo).write(
                {
                    "company_ids": [Command.link(company.id)],
                    "company_id": company.id,
                    "lang": "uk_UA",
                    "tz": "Europe/Kyiv",
                }
            )
            admin.name = "Олександр Петренко"
            demo.name = "Марко Демченко"
        self._demo_chart(company)
        return company

    @api.model
    def _demo_chart(self, company):
        """A chart to invoice in: Ukraine's when l10n_ua is installed, else the generic one.

        Not while l10n_ua waits to be installed after this addon: a later demo loads it then
        (subscription_billing's, or cert_issuance_dashboard's through _demo_invoice_set).
        """
        l10n_ua = self.env["ir.module.module"].search([("name", "=", "l10n_ua")])
        if not company.chart_template and l10n_ua.state not in ("to install", "to upgrade"):
            template = "ua_psbo" if l10n_ua.state == "installed" else "generic_coa"
            self.env["account.chart.template"]._load(template, company, install_demo=False)
            company.currency_id = self.env.ref("base.UAH")

    @api.model
    def _demo_manager(self, company):
        user = self.env["res.users"].search([("login", "=", "certs")], limit=1)
        if user:
            return user
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Наталія Кравець",
                    "login": "certs",
                    "password": "certs",
                    "lang": "uk_UA",
                    "tz": "Europe/Kyiv",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.link(self.env.ref("cert_issuance.group_cert_issuance_manager").id),
                        Command.link(self.env.ref("account.group_account_invoice").id),
                    ],
                }
            )
        )

    @api.model
    def _load_story(self, today=None):
        today = today or fields.Date.context_today(self)
        company = self._demo_company()
        return self.with_company(company)._load_story_in(company, today)

    @api.model
    def _load_story_in(self, company, today):
        manager = self._demo_manager(company)
        admin = self.env.ref("base.user_admin")
        existing = {p.ref: p for p in self.env["res.partner"].search([("ref", "in", [c[0] for c in CUSTOMERS])])}
        ukraine = self.env.ref("base.ua")
        partners = []
        for ref, name, code in CUSTOMERS:
            partner = existing.get(ref) or self.env["res.partner"].create(
                {"ref": ref, "name": name, "is_company": True, "country_id": ukraine.id, "lang": "uk_UA"}
            )
            partner.company_registry = code
            partners.append(partner)
        tax = company.account_sale_tax_id
        products = {
            key: self.env["product.product"].create(
                {
                    "name": name,
                    "default_code": code,
                    "type": "service",
                    "list_price": price,
                    "company_id": company.id,
                    "taxes_id": [Command.set(tax.ids)],
                }
            )
            for key, name, code, price in (
                ("ledger", "Звітність Плюс: модуль «Бухгалтерія»", "ЗП-БУХ", 3600.0),
                ("payroll", "Звітність Плюс: модуль «Зарплата»", "ЗП-ЗАР", 2400.0),
                ("reports", "Звітність Плюс: модуль «Звітність»", "ЗП-ЗВТ", 1800.0),
                ("qes", "Набір КЕП на захищеному носії (2 роки)", "КЕП-2Р", 950.0),
            )
        }
        licenses = self.env["cert.license"].create(
            [
                {
                    "license_key": f"ЗП-{products[module].default_code[-3:]}-{7300 + number:04d}",
                    "partner_id": partners[customer].id,
                    "product_id": products[module].id,
                    "company_id": company.id,
                    "valid_from": today + datetime.timedelta(days=days - 365),
                    "valid_to": today + datetime.timedelta(days=days),
                    "manager_id": (manager if number % 3 else admin).id,
                }
                for number, (customer, module, days) in enumerate(LICENSES, start=1)
            ]
        )
        expired = licenses.filtered(lambda lic: lic.valid_to < today)
        for lic in expired:  # renewed the way a manager does: the form the renew button opens, saved
            context = lic.action_renew()["context"]
            self.env["cert.license"].with_context(**context).create({"license_key": f"{lic.license_key}-Н"})
        self._demo_sets(company, partners, products["qes"], (manager, admin), today)
        self.env["cert.expiry.reminder"]._cert_expiry_batch()
        return licenses

    @api.model
    def _demo_sets(self, company, partners, product, users, today):
        manager, admin = users
        serial = 1200
        for number, (customer, state, owners, expires) in enumerate(CERT_SETS, start=1):
            # sets still in the works were paid in the last weeks; made ones when their certificates started
            made = today + datetime.timedelta(days=expires - 730) if expires is not None else None
            paid = made - datetime.timedelta(days=2) if made else today - datetime.timedelta(days=3 * number)
            certificates = []
            for owner in owners:
                serial += 1
                values = {"owner_name": owner, "owner_tax_id": f"{2900000000 + serial * 7919:010d}"[:10]}
                values["purpose"] = "encryption" if len(certificates) % 2 else "signing"
                if expires is not None:
                    values.update(
                        serial=f"КЕП-{serial:06d}",
                        valid_from=today + datetime.timedelta(days=expires - 730),
                        valid_to=today + datetime.timedelta(days=expires),
                    )
                certificates.append(Command.create(values))
            cert_set = self.env["cert.certificate.set"].create(
                {
                    "partner_id": partners[customer].id,
                    "product_id": product.id,
                    "company_id": company.id,
                    "region": ("Київ", "Київська обл.")[number % 2],
                    "manager_id": (manager if number % 4 else admin).id,
                    "registration_admin_id": manager.id,
                    "certificate_ids": certificates,
                }
            )
            if state == "invoiced":
                self.env["ir.model.data"]._update_xmlids(
                    [{"xml_id": "cert_issuance.demo_ua_set_invoiced", "record": cert_set, "noupdate": True}]
                )
                self._demo_invoice_set()
                continue
            if state == "draft":
                continue
            values = {"state": "paid", "payment_date": paid}
            if state in ("ordered", "generated", "closed"):
                values.update(state="ordered", ordered_by_id=manager.id, ordered_date=paid + datetime.timedelta(days=1))
            if state in ("generated", "closed"):
                values.update(state="generated", generated_by_id=manager.id, generated_date=made)
                values.update(documents_location="box_to_ship" if state == "generated" else "archive")
            if state == "closed":
                values.update(state="closed", documents_complete=True, closed_date=made + datetime.timedelta(days=5))
            cert_set.write(values)

    @api.model
    def _demo_invoice_set(self):
        """Invoice the demo's set waiting for its invoice, once its company has a chart of accounts.

        When l10n_ua is installed with this addon, the chart comes after this addon's demo:
        cert_issuance_dashboard's demo calls this again then.
        """
        cert_set = self.env.ref("cert_issuance.demo_ua_set_invoiced", raise_if_not_found=False)
        if cert_set and cert_set.state == "draft":
            self._demo_chart(cert_set.company_id)
        if cert_set and cert_set.state == "draft" and cert_set.company_id.chart_template:
            manager = self.env["res.users"].search([("login", "=", "certs")], limit=1) or self.env.user
            cert_set.with_user(manager).with_company(cert_set.company_id).action_create_invoice()
