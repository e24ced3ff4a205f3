import base64
import json
import re

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.cert_issuance.tests.common import CertCommon
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval


def dashboard_data(dashboard):
    return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))


def evaluate_domain(domain, today):
    """The domain as the browser evaluates it (a text domain with context_today() and relativedelta)."""
    if isinstance(domain, str):
        return safe_eval(domain, {"context_today": lambda: today, "relativedelta": relativedelta})
    return domain


def read_pivot(env, definition, today):
    """What the spreadsheet asks the server for a pivot: its measures grouped by its rows."""
    model = env[definition["model"]]
    measures = [f"{m['fieldName']}:{m['aggregator']}" for m in definition["measures"] if m["fieldName"] != "__count"]
    rows = [
        f"{row['fieldName']}:{row['granularity']}" if row.get("granularity") else row["fieldName"]
        for row in definition["rows"]
    ]
    domain = evaluate_domain(definition["domain"], today)
    return model.read_group(domain, ["__count", *measures], rows, lazy=False)


def total(groups, measure="__count"):
    return sum(group[measure] for group in groups)


@tagged("post_install", "-at_install")
class TestCertificatesDashboard(CertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("cert_issuance_dashboard.spreadsheet_dashboard_cert_issuance")
        cls.data = dashboard_data(cls.dashboard)
        cls.pivots = cls.data["pivots"]
        cls.today = fields.Date.context_today(cls.env["cert.license"])

    def _day(self, days):
        return self.today + relativedelta(days=days)

    def _read(self, pivot_id):
        # as a certificate administrator of the test company: the records this test creates
        return read_pivot(self.head.env, self.pivots[pivot_id], self.today)

    def test_only_certificate_administrators_see_it_and_every_pivot_loads(self):
        self.assertEqual(self.dashboard.group_ids, self.env.ref("cert_issuance.group_cert_issuance_manager"))
        self.assertEqual(len(self.pivots), 8)
        for pivot_id in self.pivots:
            with self.subTest(pivot=self.pivots[pivot_id]["name"]):
                self.assertEqual(total(self._read(pivot_id)), 0, "the test company has no certificates yet")

    def test_funnel_shows_every_stage_in_pipeline_order(self):
        cells = self.data["sheets"][0]["cells"]
        formulas = [cells[ref]["content"] for ref in sorted(cells, key=lambda r: int(r[1:])) if ref.startswith("B")]
        states = [m for f in formulas for m in re.findall(r'PIVOT\.VALUE\(3,"__count:sum","state","(\w+)"\)', f)]
        pipeline = [key for key, _label in self.env["cert.certificate.set"]._fields["state"].selection]
        self.assertEqual(states, pipeline)
        self.assertIn("invoiced", states)

    def test_expiring_and_renewals_of_licenses_by_hand(self):
        start = self._day(-800)
        lic = {}
        for key, days in [("L1", 10), ("L2", 30), ("L3", 31), ("L4", -5), ("L6", -20), ("L7", -400), ("L8", 20)]:
            lic[key] = self._license(self._day(days), key=key, valid_from=start)
        self._license(self._day(360), key="L5", valid_from=self._day(-4), renews_id=lic["L4"].id)
        self._license(self._day(385), key="L9", valid_from=self._day(21), renews_id=lic["L8"].id)
        # hand-computed: ending within 30 days: L1 (+10), L2 (+30), L8 (+20); L3 (+31) is later
        expiring = self._read("1")
        self.assertEqual(total(expiring), 3)
        self.assertEqual({g["product_id"][0]: g["__count"] for g in expiring}, {self.module_gl.id: 3})
        # won: L4 (ended 5 days ago, renewed by L5) and L8 (renewed ahead by L9)
        self.assertEqual(total(self._read("5")), 2)
        # lost: L6 (ended 20 days ago, no renewal); L7 ended more than 12 months ago
        self.assertEqual(total(self._read("6")), 1)

    def test_pipeline_documents_and_certificate_renewals_by_hand(self):
        def cert(owner, days):
            return {"owner_name": owner, "valid_from": self._day(-800), "valid_to": self._day(days)}

        self._set(state="draft", certificates=[cert("A", 400)])
        self._set(state="paid", documents_complete=False, certificates=[cert("B", 14), cert("C", 90)])
        ordered = self._set(state="ordered", documents_complete=True, certificates=[cert("D", -3)])
        self._set(state="generated", documents_complete=False, certificates=[cert("E", -10)])
        closed = self._set(state="closed", documents_complete=True, certificates=[cert("F", 200)])
        closed.certificate_ids = [Command.create(dict(cert("D2", 362), renews_id=ordered.certificate_ids.id))]
        funnel = {g["state"]: (g["__count"], g["certificate_count"], g["price_unit"]) for g in self._read("3")}
        # hand-computed: one set per stage but Invoiced (none); each set at 95.00
        self.assertEqual(
            funnel,
            {
                "draft": (1, 1, 95.0),
                "paid": (1, 2, 95.0),
                "ordered": (1, 1, 95.0),
                "generated": (1, 1, 95.0),
                "closed": (1, 2, 95.0),
            },
        )
        # documents missing: the paid set (2 certificates) and the generated one (1); not draft or complete
        missing = self._read("4")
        self.assertEqual((total(missing), total(missing, "certificate_count")), (2, 3))
        # expiring within 30 days: B (+14)
        self.assertEqual(total(self._read("2")), 1)
        # won: D (ended 3 days ago, renewed by D2); lost: E (ended 10 days ago, no renewal)
        self.assertEqual(total(self._read("7")), 1)
        self.assertEqual(total(self._read("8")), 1)
