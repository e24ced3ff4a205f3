{
    "name": "Telephony Bridge",
    "summary": "PBX call log, caller-ID lookup, missed calls, click-to-dial, SMS gateway, support time",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["mail", "sms", "phone_validation", "contacts"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [
        "security/telephony_bridge_groups.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/telephony_bridge_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "telephony_bridge/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
