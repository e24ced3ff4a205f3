"""Plain-Python helpers of cert_issuance: no Odoo import here, unit-tested in tests/unit."""
