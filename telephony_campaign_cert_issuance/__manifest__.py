{
    "name": "Telephony Call Campaigns - Certificate Issuance",
    "summary": "Call campaigns for the customers whose licenses and certificates expire this month, "
    "their expiring items on the agent's screen",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["telephony_campaign", "cert_issuance"],
    "data": [
        "views/telephony_campaign_views.xml",
        "views/telephony_campaign_contact_views.xml",
    ],
    "auto_install": True,
}
