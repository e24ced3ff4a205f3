{
    "name": "Certificate Issuance",
    "summary": "Software licenses and e-signature certificates: expiry tasks, issuance pipeline, renewals",
    "version": "18.0.1.0.0",
    "category": "Certificate Issuance",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["account", "mail", "product"],
    "external_dependencies": {"python": ["xlsxwriter", "requests"]},
    "data": [
        "security/cert_issuance_groups.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/cert_issuance_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "cert_issuance/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
