import base64
from datetime import date
from pathlib import Path

from odoo import Command
from odoo.addons.subscription_billing.tests.common import SubscriptionBillingCommon, trap_jobs

FIXTURES = Path(__file__).parent / "fixtures"

__all__ = ["BankStatementCommon", "trap_jobs"]


class BankStatementCommon(SubscriptionBillingCommon):
    """A Ukrainian provider (UAH) with the subscribers the fixtures' bank lines pay.

    Invoices, posted in this order (so numbered INV/2026/00001...), without taxes:
    1. Шевченко SB-00012, 300.00 due 2026-09-15    2. Шевченко SB-00012, 200.00 due 2026-10-15
    3. Wiśniewski SB-00013, 250.00                   4. Бондар SB-00014, 200.00
    5. Коваль SB-00015 (account 77-031), 300.00      6. Мельник SB-00018 (IBAN), 150.00
    7. Wiśniewska SB-00019, 120.00                   8. Nowak SB-00016, 99.00 (Nowak also has SB-00017)
    9. Ґрунт-Агро SB-00020 (EDRPOU 41234567), 900.00
    """

    @classmethod
    def _create_company(cls, **create_values):
        # a company in UAH, like the fixtures' statements (no Ukrainian chart needed)
        uah = cls.env.ref("base.UAH")
        uah.active = True
        create_values.setdefault("currency_id", uah.id)
        return super()._create_company(**create_values)

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("account.group_account_user")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.shevchenko = Partner.create({"name": "Шевченко Олена Іванівна"})
        cls.wisniewski = Partner.create({"name": "Łukasz Wiśniewski"})
        cls.bondar = Partner.create({"name": "Бондар Ірина Василівна"})
        cls.koval = Partner.create({"name": "Коваль Петро", "ref": "77-031"})
        cls.melnyk = Partner.create({"name": "Мельник Андрій"})
        cls.env["res.partner.bank"].create({"partner_id": cls.melnyk.id, "acc_number": "UA113052990000026201234512345"})
        cls.wisniewska = Partner.create({"name": "Zofia Wiśniewska"})
        cls.nowak = Partner.create({"name": "Adam Nowak"})
        cls.grunt = Partner.create({"name": "Ґрунт-Агро", "is_company": True, "company_registry": "41234567"})
        cls.subs = {}
        for name, partner in [
            ("SB-00012", cls.shevchenko),
            ("SB-00013", cls.wisniewski),
            ("SB-00014", cls.bondar),
            ("SB-00015", cls.koval),
            ("SB-00016", cls.nowak),
            ("SB-00017", cls.nowak),
            ("SB-00018", cls.melnyk),
            ("SB-00019", cls.wisniewska),
            ("SB-00020", cls.grunt),
        ]:
            sub = cls.env["subscription.subscription"].create(
                {
                    "name": name,
                    "partner_id": partner.id,
                    "date_start": date(2026, 9, 1),
                    "line_ids": [Command.create({"tariff_id": cls.monthly.id})],
                }
            )
            sub.action_activate()
            cls.subs[name] = sub
        cls.invoices = [
            cls._invoice("SB-00012", 300.0, date(2026, 9, 1), date(2026, 9, 15)),
            cls._invoice("SB-00012", 200.0, date(2026, 10, 1), date(2026, 10, 15)),
            cls._invoice("SB-00013", 250.0),
            cls._invoice("SB-00014", 200.0),
            cls._invoice("SB-00015", 300.0),
            cls._invoice("SB-00018", 150.0),
            cls._invoice("SB-00019", 120.0),
            cls._invoice("SB-00016", 99.0),
            cls._invoice("SB-00020", 900.0),
        ]
        cls.journal_1c = cls._bank_journal("Bank 1C", "B1C", "UA213223130000026007233566001")
        cls.journal_camt = cls._bank_journal("Bank camt", "BCAMT", "UA353052990000026009036201570")
        cls.journal_privat = cls._bank_journal("PrivatBank", "PRIV", "UA683052990000026002015012345")
        cls.journal_mbank = cls._bank_journal("mBank", "MBANK", "PL48114020040000310278123456")

    @classmethod
    def _bank_journal(cls, name, code, iban):
        """A bank journal of the company whose account is ``iban``: the account its statements are for."""
        account = cls.env["res.partner.bank"].create({"partner_id": cls.env.company.partner_id.id, "acc_number": iban})
        return cls.env["account.journal"].create(
            {"name": name, "code": code, "type": "bank", "bank_account_id": account.id}
        )

    @classmethod
    def _invoice(cls, contract, amount, invoice_date=date(2026, 10, 1), due=date(2026, 10, 15)):
        sub = cls.subs[contract]
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": sub.partner_id.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Internet {contract}",
                            "product_id": cls.service.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "subscription_id": sub.id,
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _import(self, fixture, journal, mapping=None, user=None, data=None):
        """Import a fixture file (or ``data`` under that file name) through the OCA wizard,
        its matching jobs trapped and run."""
        data = data if data is not None else (FIXTURES / fixture).read_bytes()
        wizard = (
            self.env["account.statement.import"]
            .with_user(user or self.env.user)
            .with_context(journal_id=journal.id)
            .create(
                {
                    "statement_filename": fixture,
                    "statement_file": base64.b64encode(data),
                    "sheet_mapping_id": mapping.id if mapping else False,
                }
            )
        )
        with trap_jobs() as trap:
            wizard.import_file_button()
            jobs = len(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
        lines = self.env["account.bank.statement.line"].search([("journal_id", "=", journal.id)], order="id")
        return lines, jobs

    @staticmethod
    def _by_ref(lines, text):
        found = lines.filtered(lambda line: text in (line.payment_ref or ""))
        assert len(found) == 1, (text, lines.mapped("payment_ref"))
        return found
