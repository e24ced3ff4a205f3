{
    "name": "Telephony Bridge Certificate Issuance",
    "summary": "Certificate sets paid and issued per manager and registration administrator in the pay bases",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["telephony_bridge_account", "cert_issuance"],
    "data": ["views/telephony_pay_basis_views.xml"],
    "auto_install": True,
}
