import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import _super_send
from odoo.tools import mute_logger

from .common import CertCommon, perform_all_jobs, trap_jobs


class FakeVendorHandler(BaseHTTPRequestHandler):
    """A license vendor API: /licenses/check?key=... answers per key."""

    def do_GET(self):
        url = urlparse(self.path)
        key = parse_qs(url.query).get("key", [""])[0]
        self.server.requests.append({"key": key, "auth": self.headers.get("Authorization")})
        if key == "SLOW":
            time.sleep(2)
        if url.path != "/api/licenses/check" or key == "BOOM":
            return self._send(500, {"error": "internal"})
        if key == "UNKNOWN":
            return self._send(404, {"error": "not found"})
        if key == "NOTJSON":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>")
            return None
        if key.startswith("OK"):
            return self._send(200, {"valid": True, "valid_to": "2027-12-31"})
        return self._send(200, {"valid": False, "message": "Revoked by vendor"})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestVendorCheck(CertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeVendorHandler)
        cls.server.requests = []
        cls.server.daemon_threads = True
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.company.write(
            {
                "cert_vendor_api_url": f"http://127.0.0.1:{cls.server.server_address[1]}/api/",
                "cert_vendor_api_token": "s3cret",
                "cert_vendor_api_timeout": 1,
            }
        )

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's tests raise short timeouts to 10 s; the fake vendor must see the addon's own timeout.
        if urlparse(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def _check_online(self, licenses):
        """The button, then its jobs performed as the job runner would."""
        asked = len(self.server.requests)
        with trap_jobs() as trap:
            action = licenses.action_check_online()
            self.assertEqual(set(licenses.mapped("check_state")), {"queued"}, "each license shows its check waiting")
            self.assertEqual(len(self.server.requests), asked, "the vendor is asked by the jobs, not in the request")
            perform_all_jobs(trap)
        return action

    def test_checks_are_jobs_of_a_batch_each(self):
        licenses = self.env["cert.license"]
        for n in range(3):
            licenses |= self._license("2027-01-01", key=f"OK-B{n}")
        with patch("odoo.addons.cert_issuance.models.cert_license.CHECK_BATCH_SIZE", 2), trap_jobs() as trap:
            action = licenses.action_check_online()
            trap.assert_jobs_count(2)
            self.assertEqual(sorted(len(job.recordset) for job in trap.enqueued_jobs), [1, 2])
            self.assertIn("3 licenses are being checked", action["params"]["message"])
            trap.perform_enqueued_jobs()
        self.assertEqual(set(licenses.mapped("check_state")), {"ok"})

    def test_check_ok_invalid_and_batch(self):
        ok = self._license("2027-01-01", key="OK-1")
        revoked = self._license("2027-01-01", key="REVOKED-1")
        unknown = self._license("2027-01-01", key="UNKNOWN")
        self._check_online(ok | revoked | unknown)
        self.assertEqual(ok.check_state, "ok")
        self.assertEqual(ok.check_message, "Valid, until 2027-12-31")
        self.assertTrue(ok.check_date)
        self.assertEqual((revoked.check_state, revoked.check_message), ("invalid", "Revoked by vendor"))
        self.assertEqual(
            (unknown.check_state, unknown.check_message), ("invalid", "The vendor does not know this license.")
        )
        sent = {request["key"]: request["auth"] for request in self.server.requests}
        self.assertEqual(sent["OK-1"], "Bearer s3cret")

    def test_errors_and_timeout_are_stored(self):
        boom = self._license("2027-01-01", key="BOOM")
        not_json = self._license("2027-01-01", key="NOTJSON")
        slow = self._license("2027-01-01", key="SLOW")
        self._check_online(boom | not_json | slow)
        self.assertEqual((boom.check_state, boom.check_message), ("error", "The vendor answered HTTP 500."))
        self.assertEqual((not_json.check_state, not_json.check_message), ("error", "The vendor's answer is not JSON."))
        self.assertEqual((slow.check_state, slow.check_message), ("error", "The vendor did not answer in time."))

    @mute_logger("odoo.addons.cert_issuance.models.cert_license")
    def test_unreachable_vendor(self):
        self.company.cert_vendor_api_url = "http://127.0.0.1:9/api"
        license_ = self._license("2027-01-01", key="OK-2")
        self._check_online(license_)
        self.assertEqual(license_.check_state, "error")
        self.assertIn("cannot be reached", license_.check_message)

    def test_no_url_configured(self):
        self.company.cert_vendor_api_url = False
        license_ = self._license("2027-01-01", key="OK-3")
        with self.assertRaisesRegex(UserError, "Set the license vendor API URL"):
            license_.action_check_online()
