"""Plain-Python logic of telephony_bridge (no Odoo import): number parsing, call events."""
