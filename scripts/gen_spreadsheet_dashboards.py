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
        "domain": list(domain),
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


DASHBOARDS = {
    "subscription_billing_dashboard/data/files/subscriptions_dashboard.json": subscriptions_dashboard,
    "telephony_bridge_dashboard/data/files/calls_dashboard.json": calls_dashboard,
}


def main():
    for path, build in DASHBOARDS.items():
        target = REPO / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(target)


if __name__ == "__main__":
    main()
