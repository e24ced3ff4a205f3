{
    "name": "Certificate Issuance Dashboard",
    "summary": "Spreadsheet dashboard of certificates: expiring soon, pipeline, documents missing, renewals",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["spreadsheet_dashboard", "cert_issuance"],
    "data": ["data/dashboards.xml"],
    "demo": ["demo/cert_issuance_dashboard_demo.xml"],
    "auto_install": ["cert_issuance"],
}
