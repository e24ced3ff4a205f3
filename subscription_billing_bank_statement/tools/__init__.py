"""Plain-Python logic of the bank statement bridge: no Odoo imports here (tests/unit)."""
