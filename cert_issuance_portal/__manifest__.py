{
    "name": "Certificate Issuance Portal",
    "summary": "Customers see their software licenses and e-signature certificates, with expiry, in the portal",
    "version": "18.0.1.0.0",
    "category": "Certificate Issuance",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["cert_issuance", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/cert_issuance_portal_rules.xml",
        "views/cert_portal_templates.xml",
    ],
    "auto_install": True,
}
