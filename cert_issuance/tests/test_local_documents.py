from datetime import date

import lxml.html

from odoo import Command
from odoo.tests import tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestLocalDocuments(CertCommon):
    """Contract and acceptance act as a Ukrainian and a Polish customer receive them."""

    # The Ukrainian company keeps the generic chart here: the suite installs no localization.
    chart_template = "generic_coa"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("uk_UA", "pl_PL"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["cert_issuance"], ["uk_UA", "pl_PL"], overwrite=True)
        ukraine = cls.env.ref("base.ua")
        cls.ua = cls.setup_other_company(
            name="ТОВ «Інтернет-Лінія»",
            country_id=ukraine.id,
            currency_id=cls.env.ref("base.UAH").id,
            city="Київ",
            company_registry="32855961",
            vat="328559626543",
        )["company"]
        cls.env.user.company_ids += cls.ua
        bank = cls.env["res.bank"].create({"name": "АТ КБ «ПриватБанк»", "bic": "305299"})
        cls.ua_iban = "UA213223130000026007233566001"
        cls.ua.partner_id.bank_ids = [Command.create({"acc_number": cls.ua_iban, "bank_id": bank.id})]
        cls.vat20 = cls.env["account.tax"].create(
            {"name": "ПДВ 20%", "amount": 20, "type_tax_use": "sale", "company_id": cls.ua.id}
        )
        cls.ua_product = cls.env["product.product"].create(
            {
                "name": "Кваліфікований електронний підпис",
                "type": "service",
                "list_price": 1000.0,
                "taxes_id": [Command.set(cls.vat20.ids)],
            }
        )
        cls.ua_customer = cls.env["res.partner"].create(
            {
                "name": "ФОП Ковальчук Олена Іванівна",
                "country_id": ukraine.id,
                "city": "Львів",
                "vat": "3012345678",
                "lang": "uk_UA",
                "company_id": cls.ua.id,
            }
        )

    def _ua_set(self, **vals):
        return (
            self.env["cert.certificate.set"]
            .with_company(self.ua)
            .create(
                {
                    "partner_id": self.ua_customer.id,
                    "product_id": self.ua_product.id,
                    "company_id": self.ua.id,
                    "manager_id": self.env.user.id,
                    "contract_date": date(2026, 11, 3),
                    "certificate_ids": [Command.create({"owner_name": "Ковальчук Олена Іванівна"})],
                    **vals,
                }
            )
        )

    def _html(self, xmlid, record):
        """The printout's text as a reader sees it: tags dropped, spaces collapsed."""
        html, _format = self.env["ir.actions.report"]._render_qweb_html(xmlid, record.ids)
        body = lxml.html.fromstring(html).find("body")
        return " ".join(" ".join(body.itertext()).replace("\xa0", " ").split())

    def test_ukrainian_contract_states_price_with_vat_in_words_and_bank_details(self):
        cert_set = self._ua_set()
        amounts = cert_set.with_context(lang="uk_UA")._cert_document_amounts()
        # 1,000.00 + 20% VAT = 1,200.00, before the set is invoiced.
        self.assertEqual((amounts["untaxed"], amounts["tax"], amounts["total"]), (1000.0, 200.0, 1200.0))
        html = self._html("cert_issuance.action_report_cert_contract", cert_set)
        self.assertIn("Договір про надання послуг №", html)
        self.assertIn("Одна тисяча двісті гривень 00 копійок", html)
        self.assertIn("Код ЄДРПОУ : 32855961", html)
        self.assertIn("ІПН : 3012345678", html)
        self.assertIn(self.ua_iban, html.replace(" ", ""))  # printed in groups of four when base_iban is in
        self.assertIn("03.11.2026", html)
        self.assertIn("Київ", html)
        self.assertIn("М.П.", html)
        self.assertNotIn("Commercial Service Contract", html)
        self.assertNotIn("Total in words", html)

    def test_act_states_the_invoice_total_vat_included(self):
        cert_set = self._ua_set()
        cert_set.with_company(self.ua).action_create_invoice()
        invoice = cert_set.invoice_id
        self.assertEqual(invoice.amount_total, 1200.0)
        amounts = cert_set.with_context(lang="uk_UA")._cert_document_amounts()
        self.assertEqual(amounts["total"], invoice.amount_total)
        self.assertEqual(amounts["tax"], 200.0)
        html = self._html("cert_issuance.action_report_cert_acceptance", cert_set)
        self.assertIn("Акт приймання-передачі наданих послуг №", html)
        self.assertIn(invoice.name, html)
        self.assertIn("Разом з ПДВ 1 200,00 ₴", html)
        self.assertIn("Одна тисяча двісті гривень 00 копійок", html)
        self.assertIn("У тому числі ПДВ: 200,00 ₴", html)
        self.assertIn("Прийняв", html)
        self.assertIn("Замовник", html)
        self.assertNotIn("Service Acceptance Act", html)

    def test_polish_act_in_polish_with_nip(self):
        poland = self.env.ref("base.pl")
        customer = self.env["res.partner"].create(
            {"name": "Łódzka Spółka Wodna", "country_id": poland.id, "vat": "PL7251801126", "lang": "pl_PL"}
        )
        cert_set = self._set(partner_id=customer.id)
        html = self._html("cert_issuance.action_report_cert_acceptance", cert_set)
        self.assertIn("Protokół odbioru usług nr", html)
        self.assertIn("NIP : PL7251801126", html)
        self.assertIn("Łódzka Spółka Wodna", html)
        self.assertNotIn("Service Acceptance Act", html)
