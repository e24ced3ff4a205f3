#!/usr/bin/env python3
"""Write the spreadsheet dashboards of the dashboard bridge addons (data/files/*.json).

Usage: python3 -m scripts.gen_spreadsheet_dashboards

The files follow the format of the dashboards Odoo 18 Community ships
(addons/spreadsheet_dashboard_sale/data/files/sales_dashboard.json): o-spreadsheet data
of version 21, Odoo pivots (``type: ODOO``: model, domain, rows, measures as
``field:aggregator``) read with PIVOT.VALUE / PIVOT formulas. Labels go through ``_t``
so that the dashboard is translated with the addon's .po files.
"""

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSION = 21
LOCALE = {
    "name": "English (US)",
    "code": "en_US",
    "thousandsSeparator": ",",
    "decimalSeparator": ".",
    "dateFormat": "mm/dd/yyyy",
    "timeFormat": "hh:mm:ss",
    "formulaArgSeparator": ",",
    "weekStart": 7,
}
STYLES = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "2": {"bold": True, "fontSize": 11, "textColor": "#434343"},
    "3": {"textColor": "#434343", "verticalAlign": "middle"},
}
FORMATS = {"1": "#,##0.00", "2": "0.0%", "3": "#,##0"}


def pivot(pivot_id, name, model, measures, *, rows=(), domain=(), columns=()):
    return {
        "type": "ODOO",
        "id": str(pivot_id),
        "formulaId": str(pivot_id),
        "name": name,
        "model": model,
        # a domain given as text stays text: the spreadsheet evaluates it in the browser
        "domain": domain if isinstance(domain, str) else list(domain),
        "context": {},
        "sortedColumn": None,
        "measures": [{"id": f"{field}:{agg}", "fieldName": field, "aggregator": agg} for field, agg in measures],
        "rows": list(rows),
        "columns": list(columns),
        "fieldMatching": {},
    }


def text(label):
    return "=_t(" + json.dumps(label) + ")"


class Sheet:
    def __init__(self):
        self.cells, self.styles, self.formats = {}, {}, {}

    def put(self, ref, content, style=None, fmt=None):
        self.cells[ref] = {"content": content}
        if style:
            self.styles[ref] = int(style)
        if fmt:
            self.formats[ref] = int(fmt)

    def kpis(self, row, title, lines):
        """A title, then label / value lines from ``row``; return the next free row."""
        self.put(f"A{row}", text(title), style="2")
        for offset, (label, formula, fmt) in enumerate(lines, start=1):
            self.put(f"A{row + offset}", text(label), style="3")
            self.put(f"B{row + offset}", formula, style="3", fmt=fmt)
        return row + len(lines) + 2


def spreadsheet(sheet, pivots, col_sizes):
    return {
        "version": VERSION,
        "sheets": [
            {
                "id": "dashboard",
                "name": "Dashboard",
                "colNumber": 12,
                "rowNumber": 120,
                "rows": {},
                "cols": {str(index): {"size": size} for index, size in enumerate(col_sizes)},
                "merges": [],
                "cells": sheet.cells,
                "styles": sheet.styles,
                "formats": sheet.formats,
                "borders": {},
                "conditionalFormats": [],
                "figures": [],
                "tables": [],
                "areGridLinesVisible": False,
                "isVisible": True,
                "headerGroups": {"ROW": [], "COL": []},
                "dataValidationRules": [],
                "comments": {},
            }
        ],
        "styles": STYLES,
        "formats": FORMATS,
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {"locale": LOCALE},
        "pivots": {str(p["id"]): p for p in pivots},
        "pivotNextId": len(pivots) + 1,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": [],
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


def subscriptions_dashboard():
    month = [{"fieldName": "month", "granularity": "month", "order": "desc"}]
    pivots = [
        pivot(
            1,
            "Recurring revenue by month",
            "subscription.mrr.report",
            [
                ("mrr_previous", "sum"),
                ("mrr_new", "sum"),
                ("mrr_expansion", "sum"),
                ("mrr_reactivation", "sum"),
                ("mrr_contraction", "sum"),
                ("mrr_churn", "sum"),
                ("mrr", "sum"),
                ("arr", "sum"),
                ("customer_count", "count_distinct"),
            ],
            rows=month,
        ),
        pivot(
            2,
            "Subscribers by tariff",
            "subscription.subscription",
            [("__count", "sum")],
            rows=[{"fieldName": "tariff_ids"}],
            domain=[["state", "in", ["active", "suspended"]]],
        ),
        pivot(
            3,
            "Open invoices by age",
            "subscription.debtor.aging",
            [("amount_residual", "sum")],
            rows=[{"fieldName": "bucket"}],
        ),
        pivot(
            4,
            "Subscriptions by status",
            "subscription.subscription",
            [("__count", "sum"), ("recurring_monthly", "sum")],
            rows=[{"fieldName": "state"}],
        ),
        pivot(
            5,
            "Collection cases",
            "subscription.collection.case",
            [("__count", "sum"), ("amount_residual", "sum")],
            domain=[["state", "=", "open"]],
        ),
        pivot(
            6,
            "Customer payments by month",
            "account.payment",
            [("amount_company_currency_signed", "sum"), ("__count", "sum")],
            rows=[{"fieldName": "date", "granularity": "month", "order": "desc"}],
            domain=[
                ["payment_type", "=", "inbound"],
                ["partner_type", "=", "customer"],
                ["state", "in", ["in_process", "paid"]],
            ],
        ),
    ]
    sheet = Sheet()
    sheet.put("A1", text("Subscriptions"), style="1")

    def mrr(measure):
        return f'=PIVOT.VALUE(1,"{measure}","month:month",TODAY())'

    row = sheet.kpis(
        3,
        "Recurring revenue this month",
        [
            ("Opening MRR", mrr("mrr_previous:sum"), "1"),
            ("New", mrr("mrr_new:sum"), "1"),
            ("Expansion", mrr("mrr_expansion:sum"), "1"),
            ("Reactivation", mrr("mrr_reactivation:sum"), "1"),
            ("Contraction", mrr("mrr_contraction:sum"), "1"),
            ("Churn", mrr("mrr_churn:sum"), "1"),
            ("Closing MRR", mrr("mrr:sum"), "1"),
            ("ARR", mrr("arr:sum"), "1"),
            ("Customers", mrr("customer_count:count_distinct"), "3"),
            ("ARPU (MRR per customer)", "=IFERROR(B10/B12,0)", "1"),
            ("Churn rate (churn / opening MRR)", "=IFERROR(-B9/B4,0)", "2"),
        ],
    )
    collected = "amount_company_currency_signed:sum"

    def zero(formula):
        return f"=IFERROR(0+{formula},0)"

    row = sheet.kpis(
        row,
        "Collections",
        [
            ("Suspended subscriptions", '=PIVOT.VALUE(4,"__count:sum","state","suspended")', "3"),
            ("MRR of suspended subscriptions", '=PIVOT.VALUE(4,"recurring_monthly:sum","state","suspended")', "1"),
            ("Customers in collection", zero('PIVOT.VALUE(5,"__count:sum")'), "3"),
            ("Amount in collection", zero('PIVOT.VALUE(5,"amount_residual:sum")'), "1"),
            ("Collected this month", zero(f'PIVOT.VALUE(6,"{collected}","date:month",TODAY())'), "1"),
            ("Collected last month", zero(f'PIVOT.VALUE(6,"{collected}","date:month",EDATE(TODAY(),-1))'), "1"),
            ("Open invoices", zero('PIVOT.VALUE(3,"amount_residual:sum")'), "1"),
            (
                "Overdue",
                zero('PIVOT.VALUE(3,"amount_residual:sum")')
                + "-"
                + zero('PIVOT.VALUE(3,"amount_residual:sum","bucket","0_not_due")')[1:],
                "1",
            ),
        ],
    )
    sheet.put(f"A{row}", text("Open invoices by age"), style="2")
    sheet.put(f"A{row + 1}", "=PIVOT(3)")
    sheet.put("E3", text("Subscribers by tariff"), style="2")
    sheet.put("E4", "=PIVOT(2)")
    row += 10
    sheet.put(f"A{row}", text("Recurring revenue and its movements by month"), style="2")
    sheet.put(f"A{row + 1}", "=PIVOT(1,13)")
    return spreadsheet(sheet, pivots, [260, 120, 120, 120, 170, 120, 120, 120, 120, 120, 120, 120])


def calls_dashboard():
    agent = [{"fieldName": "agent_id"}]
    pivots = [
        pivot(
            1,
            "Calls per agent",
            "telephony.call",
            [
                ("__count", "sum"),
                ("incoming_count", "sum"),
                ("answered_count", "sum"),
                ("missed_count", "sum"),
                ("answered_rate", "avg"),
                ("talk_minutes", "sum"),
                ("callback_delay_minutes", "avg"),
            ],
            rows=agent,
        ),
        pivot(
            2,
            "Missed calls not processed",
            "telephony.call",
            [("__count", "sum")],
            rows=[{"fieldName": "team_id"}],
            domain=[
                ["direction", "=", "inbound"],
                ["state", "in", ["missed", "busy", "failed"]],
                ["processed", "=", False],
            ],
        ),
    ]
    sheet = Sheet()
    sheet.put("A1", text("Calls"), style="1")
    row = sheet.kpis(
        3,
        "All calls",
        [
            ("Calls", '=PIVOT.VALUE(1,"__count:sum")', "3"),
            ("Incoming calls", '=PIVOT.VALUE(1,"incoming_count:sum")', "3"),
            ("Answered incoming calls", '=PIVOT.VALUE(1,"answered_count:sum")', "3"),
            ("Missed incoming calls", '=PIVOT.VALUE(1,"missed_count:sum")', "3"),
            ("Answered rate", '=PIVOT.VALUE(1,"answered_rate:avg")/100', "2"),
            ("Missed calls not processed", '=PIVOT.VALUE(2,"__count:sum")', "3"),
            ("Talk time (min)", '=PIVOT.VALUE(1,"talk_minutes:sum")', "1"),
            ("Average callback delay (min)", '=PIVOT.VALUE(1,"callback_delay_minutes:avg")', "1"),
        ],
    )
    sheet.put(f"A{row}", text("Per agent"), style="2")
    sheet.put(f"A{row + 1}", "=PIVOT(1)")
    row += 14
    sheet.put(f"A{row}", text("Missed calls not processed, per team"), style="2")
    sheet.put(f"A{row + 1}", "=PIVOT(2)")
    return spreadsheet(sheet, pivots, [260, 120, 120, 120, 120, 120, 120, 120, 120, 110, 110, 110])


# Relative dates in a pivot's domain: the spreadsheet keeps a domain given as text and
# evaluates it in the browser (odoo_pivot.js: ``new Domain(domain).toList(context)``) with
# ``context_today()`` and ``relativedelta``, as the search filters of Odoo's views do.
TODAY = "context_today().strftime('%Y-%m-%d')"


def days_from_today(days):
    return f"(context_today() + relativedelta(days={days})).strftime('%Y-%m-%d')"


def text_domain(*leaves):
    """A domain as the text the spreadsheet evaluates; each leaf is (field, operator, python expression)."""
    return "[" + ", ".join(f"({field!r}, {operator!r}, {value})" for field, operator, value in leaves) + "]"


EXPIRING_30_DAYS = text_domain(("valid_to", ">=", TODAY), ("valid_to", "<=", days_from_today(30)))
# Renewals decided in the last 12 months: won = renewed (also ahead of the end of validity),
# lost = ended in the last 12 months without a renewal.
RENEWAL_WON = text_domain(("renewed_by_id", "!=", "False"), ("valid_to", ">=", days_from_today(-365)))
RENEWAL_LOST = text_domain(
    ("renewed_by_id", "=", "False"), ("valid_to", "<", TODAY), ("valid_to", ">=", days_from_today(-365))
)
# As the "Missing Documents" filter and menu of cert_issuance: paid and later, documents not complete.
DOCUMENTS_MISSING = [["state", "in", ["paid", "ordered", "generated"]], ["documents_complete", "=", False]]
PIPELINE = [
    ("draft", "Draft"),
    ("invoiced", "Invoiced"),
    ("paid", "Paid"),
    ("ordered", "Ordered"),
    ("generated", "Generated"),
    ("closed", "Closed"),
]


def certificates_dashboard():
    count = [("__count", "sum")]
    pivots = [
        pivot(
            1,
            "Licenses expiring in 30 days",
            "cert.license",
            count,
            rows=[{"fieldName": "product_id"}],
            domain=EXPIRING_30_DAYS,
        ),
        pivot(
            2,
            "Certificates expiring in 30 days",
            "cert.certificate",
            count,
            rows=[{"fieldName": "manager_id"}],
            domain=EXPIRING_30_DAYS,
        ),
        pivot(
            3,
            "Certificate sets by stage",
            "cert.certificate.set",
            [("__count", "sum"), ("certificate_count", "sum"), ("price_unit", "sum")],
            rows=[{"fieldName": "state"}],
        ),
        pivot(
            4,
            "Certificate sets missing documents",
            "cert.certificate.set",
            [("__count", "sum"), ("certificate_count", "sum")],
            rows=[{"fieldName": "manager_id"}],
            domain=DOCUMENTS_MISSING,
        ),
        pivot(5, "Licenses renewed", "cert.license", count, domain=RENEWAL_WON),
        pivot(6, "Licenses not renewed", "cert.license", count, domain=RENEWAL_LOST),
        pivot(7, "Certificates renewed", "cert.certificate", count, domain=RENEWAL_WON),
        pivot(8, "Certificates not renewed", "cert.certificate", count, domain=RENEWAL_LOST),
    ]
    sheet = Sheet()
    sheet.put("A1", text("Certificates"), style="1")

    def zero(formula):
        return f"=IFERROR(0+{formula},0)"

    row = sheet.kpis(
        3,
        "Expiring in 30 days",
        [
            ("Licenses", zero('PIVOT.VALUE(1,"__count:sum")'), "3"),
            ("Certificates", zero('PIVOT.VALUE(2,"__count:sum")'), "3"),
        ],
    )
    pipeline_start = row + 1
    row = sheet.kpis(
        row,
        "Pipeline: certificate sets by stage",
        [(label, zero(f'PIVOT.VALUE(3,"__count:sum","state","{state}")'), "3") for state, label in PIPELINE],
    )
    sheet.put(f"C{pipeline_start - 1}", text("Certificates"), style="2")
    sheet.put(f"D{pipeline_start - 1}", text("Amount"), style="2")
    for offset, (state, _label) in enumerate(PIPELINE):
        line = pipeline_start + offset
        sheet.put(f"C{line}", zero(f'PIVOT.VALUE(3,"certificate_count:sum","state","{state}")'), style="3", fmt="3")
        sheet.put(f"D{line}", zero(f'PIVOT.VALUE(3,"price_unit:sum","state","{state}")'), style="3", fmt="1")
    row = sheet.kpis(
        row,
        "Documents missing (paid and later)",
        [
            ("Certificate sets", zero('PIVOT.VALUE(4,"__count:sum")'), "3"),
            ("Certificates in them", zero('PIVOT.VALUE(4,"certificate_count:sum")'), "3"),
        ],
    )
    won_row = row + 1
    row = sheet.kpis(
        row,
        "Renewals, last 12 months",
        [
            ("Licenses renewed (won)", zero('PIVOT.VALUE(5,"__count:sum")'), "3"),
            ("Licenses not renewed (lost)", zero('PIVOT.VALUE(6,"__count:sum")'), "3"),
            ("License renewal rate", f'=IFERROR(B{won_row}/(B{won_row}+B{won_row + 1}),"")', "2"),
            ("Certificates renewed (won)", zero('PIVOT.VALUE(7,"__count:sum")'), "3"),
            ("Certificates not renewed (lost)", zero('PIVOT.VALUE(8,"__count:sum")'), "3"),
            ("Certificate renewal rate", f'=IFERROR(B{won_row + 3}/(B{won_row + 3}+B{won_row + 4}),"")', "2"),
        ],
    )
    sheet.put("F3", text("Licenses expiring in 30 days, per module"), style="2")
    sheet.put("F4", "=PIVOT(1)")
    sheet.put("F16", text("Certificates expiring in 30 days, per manager"), style="2")
    sheet.put("F17", "=PIVOT(2)")
    sheet.put("F29", text("Certificate sets missing documents, per manager"), style="2")
    sheet.put("F30", "=PIVOT(4)")
    return spreadsheet(sheet, pivots, [260, 110, 110, 120, 30, 330, 120, 120, 120, 110, 110, 110])


DASHBOARDS = {
    "subscription_billing_dashboard/data/files/subscriptions_dashboard.json": subscriptions_dashboard,
    "telephony_bridge_dashboard/data/files/calls_dashboard.json": calls_dashboard,
    "cert_issuance_dashboard/data/files/certificates_dashboard.json": certificates_dashboard,
}


def main():
    for path, build in DASHBOARDS.items():
        target = REPO / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(target)


if __name__ == "__main__":
    main()
