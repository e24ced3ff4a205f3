{
    "name": "Subscription Billing Mass Mailing",
    "summary": "Email and SMS marketing to subscriber segments: subscriptions as recipients of Odoo's mailings, "
    "SMS through the telephony SMS gateway",
    "version": "18.0.1.0.0",
    "category": "Marketing/Email Marketing",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["subscription_billing", "telephony_bridge", "mass_mailing_sms"],
    "data": [
        "security/ir.model.access.csv",
        "security/subscription_billing_mass_mailing_rules.xml",
        "views/subscription_subscription_views.xml",
    ],
    "demo": ["demo/subscription_billing_mass_mailing_demo.xml"],
    "auto_install": True,
}
