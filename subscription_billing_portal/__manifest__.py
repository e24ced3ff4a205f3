{
    "name": "Subscription Billing Portal",
    "summary": "The subscriber's portal: subscriptions, invoices, balance, paying online and automatic card payment",
    "version": "18.0.1.0.0",
    "category": "Subscription Billing",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["subscription_billing", "portal", "payment", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
        "security/subscription_billing_portal_rules.xml",
        "data/subscription_billing_portal_data.xml",
        "data/subscription_billing_portal_cron.xml",
        "data/subscription_billing_portal_queue_job.xml",
        "views/subscription_subscription_views.xml",
        "views/subscription_dunning_policy_views.xml",
        "views/subscription_payment_promise_views.xml",
        "views/subscription_portal_templates.xml",
    ],
    "demo": [
        "demo/subscription_billing_portal_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "subscription_billing_portal/static/tests/tours/*.js",
        ],
    },
}
