{
    "name": "Subscription Billing Dashboard",
    "summary": "Spreadsheet dashboard of subscriptions: MRR and its movements, churn, ARPU, debt, collections",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["spreadsheet_dashboard", "digest", "subscription_billing"],
    "data": ["data/dashboards.xml", "data/digest_data.xml", "views/digest_digest_views.xml"],
    "auto_install": ["subscription_billing"],
}
