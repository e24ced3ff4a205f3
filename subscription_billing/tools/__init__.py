"""Plain-Python helpers of subscription_billing: no Odoo import here, unit-tested in tests/unit."""
