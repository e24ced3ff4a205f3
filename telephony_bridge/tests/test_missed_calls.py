from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import T0, TelephonyCase


@tagged("post_install", "-at_install")
class TestMissedCalls(TelephonyCase):
    def missed_call(self, call_id="in-1", caller="030 1234567", at=0):
        self.event("ringing", at, call_id, direction="inbound", **{"from": caller, "to": "100"}, extension="101")
        return self.event("hangup", at + 20, call_id, cause="no_answer")

    def callback(self, call_id, callee="+49 30 1234567", at=600, answered=True, extension="102"):
        self.event("ringing", at, call_id, direction="outbound", **{"from": extension, "to": callee})
        if answered:
            self.event("answered", at + 5, call_id, extension=extension)
            return self.event("hangup", at + 65, call_id)
        return self.event("hangup", at + 30, call_id, cause="busy")

    def test_answered_callback_processes_earlier_missed_calls(self):
        first = self.missed_call("in-1", "030 1234567", at=0)
        second = self.missed_call("in-2", "+49301234567", at=60)
        other = self.missed_call("in-3", "0221 4455667", at=90)
        self.assertEqual((first.state, first.processed), ("missed", False))
        callback = self.callback("out-1", "0049 30 1234567", at=600)
        self.assertEqual(callback.agent_id, self.colleague)
        self.assertTrue(callback.is_callback)
        for missed in first | second:
            self.assertTrue(missed.processed)
            self.assertEqual(missed.callback_call_id, callback)
            self.assertEqual(missed.processed_by_id, self.colleague)
        self.assertEqual(first.callback_delay_minutes, 10.1, "605 s from the missed call to the answered callback")
        self.assertFalse(other.processed, "a callback to another number settles nothing")

    def test_unanswered_callback_leaves_missed_call_open(self):
        missed = self.missed_call()
        callback = self.callback("out-1", answered=False)
        self.assertEqual(callback.state, "busy")
        self.assertFalse(missed.processed)

    def test_manual_processing_needs_a_note(self):
        missed = self.missed_call().with_user(self.agent)
        with self.assertRaisesRegex(UserError, "Write in the notes what was done"):
            missed.action_mark_processed()
        self.assertFalse(missed.processed)
        missed.note = "Customer wrote an e-mail instead"
        missed.action_mark_processed()
        self.assertTrue(missed.processed)
        self.assertEqual(missed.processed_by_id, self.agent)
        missed.action_mark_unprocessed()
        self.assertFalse(missed.processed)

    def test_missed_calls_menu_lists_only_unprocessed_incoming(self):
        open_call = self.missed_call("in-1", "0221 4455667")
        done_call = self.missed_call("in-2", "030 1234567")
        self.callback("out-1")
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_call_missed")
        domain = safe_eval(action["domain"])
        listed = self.env["telephony.call"].search([*domain, ("processed", "=", False)])
        self.assertIn(open_call, listed)
        self.assertNotIn(done_call, listed)
        self.assertEqual(done_call.start_date, T0)
