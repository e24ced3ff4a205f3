from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOpenAppTour(HttpCase):
    def test_open_app_tour(self):
        """An administrator opens the Certificates app from the apps menu."""
        # the demo data makes the administrator Ukrainian: the tour reads the English menu names
        self.env.ref("base.user_admin").lang = "en_US"
        self.start_tour("/odoo", "cert_issuance_open_app", login="admin")
