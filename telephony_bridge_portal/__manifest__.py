{
    "name": "Telephony Bridge Portal",
    "summary": "Customers see their prepaid support time (bought, used, remaining) and its validity in the portal",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["telephony_bridge", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/telephony_bridge_portal_rules.xml",
        "views/support_portal_templates.xml",
    ],
    "auto_install": True,
}
