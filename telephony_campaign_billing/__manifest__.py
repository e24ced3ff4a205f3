{
    "name": "Telephony Call Campaigns - Subscription Billing",
    "summary": "Call campaigns for debtors and tariff customers: open balance on the agent's screen, "
    "promised payments, amounts collected",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["telephony_campaign", "subscription_billing"],
    "data": [
        "data/telephony_campaign_billing_cron.xml",
        "views/telephony_campaign_views.xml",
        "views/telephony_campaign_contact_views.xml",
    ],
    "auto_install": True,
}
