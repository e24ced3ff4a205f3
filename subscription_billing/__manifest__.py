{
    "name": "Subscription Billing",
    "summary": "Tariff plans, subscriptions, recurring invoicing, payments, dunning and suspension",
    "version": "18.0.1.0.0",
    "category": "Subscription Billing",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["account", "sms", "mail", "product"],
    "external_dependencies": {"python": ["phonenumbers", "xlsxwriter", "requests"]},
    "data": [
        "security/subscription_billing_groups.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/subscription_billing_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "subscription_billing/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
