{
    "name": "Telephony Bridge Dashboard",
    "summary": "Spreadsheet dashboard of calls per agent: answered rate, missed calls, callbacks, talk time",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["spreadsheet_dashboard", "telephony_bridge"],
    "data": ["data/dashboards.xml"],
    "auto_install": ["telephony_bridge"],
}
