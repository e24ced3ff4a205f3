from datetime import timedelta

from freezegun import freeze_time

from odoo.addons.telephony_bridge.tests.fake_server import FakeHttpServer
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MONDAY_9, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignQueue(CampaignCase):
    def test_five_contacts_worked_through_by_two_agents(self):
        adler, brandt, central, dorn, elba = self.contacts
        with freeze_time(MONDAY_9) as clock:
            first = self.next_for(self.agent)
            second = self.next_for(self.colleague)
            self.assertEqual((first, second), (adler, brandt), "each agent gets a contact of their own")
            self.assertEqual((adler.state, adler.agent_id), ("in_progress", self.agent))
            self.assertEqual(self.next_for(self.agent), adler, "asking again gives the contact being called")

            self.record(self.agent, adler, "no_answer", note="Voicemail")
            self.assertEqual(adler.state, "pending")
            self.assertEqual(adler.next_try, MONDAY_9 + timedelta(minutes=60))
            self.assertEqual((adler.attempt_count, adler.no_answer_count), (1, 1))

            self.record(self.colleague, brandt, "wrong_number")
            self.assertEqual(brandt.state, "failed")
            self.assertEqual(self.next_for(self.colleague), central, "the unanswered Adler is not due yet")
            self.assertEqual(self.next_for(self.agent), dorn)
            callback_at = MONDAY_9 + timedelta(hours=2)
            self.record(self.colleague, central, "call_back", callback_date=callback_at, note="Call after lunch")
            with self.promise_recorded_here():
                self.record(self.agent, dorn, "promise", promise_date="2026-03-06", promise_amount=75.0)
            self.assertEqual(self.next_for(self.agent), elba)
            self.record(self.agent, elba, "reached", note="Will think about it")
            self.assertIsNone(self.next_for(self.colleague), "nobody is due before 10:00")

            clock.tick(timedelta(minutes=61))  # 10:01: Adler's retry is due
            self.assertEqual(self.next_for(self.colleague), adler)
            self.record(self.colleague, adler, "reached")
            self.assertEqual((adler.attempt_count, adler.agent_id), (2, self.colleague))

            clock.tick(timedelta(minutes=60))  # 11:01: Central's call back, agreed by Carl
            self.assertIsNone(self.next_for(self.agent), "the call back waits for Carl first")
            self.assertEqual(self.next_for(self.colleague), central)
            self.record(self.colleague, central, "not_interested")

        self.assertEqual(set(self.contacts.mapped("state")), {"done", "failed"})
        campaign = self.campaign
        self.assertEqual((campaign.contact_count, campaign.done_count, campaign.reached_count), (5, 5, 4))
        self.assertEqual(campaign.reached_rate, 80.0, "4 of 5 done contacts reached")
        self.assertEqual((dorn.outcome, dorn.promise_amount, campaign.promised_amount), ("promise", 75.0, 75.0))
        outcomes = central.attempt_ids.sorted("id").mapped("outcome")
        self.assertEqual(outcomes, ["call_back", "not_interested"])
        self.assertEqual(central.attempt_ids.agent_id, self.colleague)
        per_agent = {
            agent: (done, reached, rate)
            for agent, done, reached, rate in self.env["telephony.campaign.contact"]._read_group(
                [("campaign_id", "=", campaign.id), ("is_done", "=", 1)],
                ["agent_id"],
                ["is_done:sum", "reached:sum", "reached_rate:avg"],
            )
        }
        self.assertEqual(per_agent[self.agent], (2, 2, 100.0), "Anna closed Dorn (promise) and Elba, both reached")
        done, reached, rate = per_agent[self.colleague]
        self.assertEqual((done, reached), (3, 2), "Carl closed Brandt (wrong number), Adler and Central (reached)")
        self.assertAlmostEqual(rate, 66.67, places=2)

    def test_no_answer_retried_until_the_tries_are_used_up(self):
        adler = self.contacts[0]
        self.campaign.max_attempts = 2
        with freeze_time(MONDAY_9) as clock:
            self.assertEqual(self.next_for(self.agent), adler)
            self.record(self.agent, adler, "busy")
            self.assertEqual(adler.state, "pending")
            clock.tick(timedelta(minutes=60))
            self.assertEqual(self.next_for(self.agent), adler, "due again an hour later, before the new ones")
            self.record(self.agent, adler, "no_answer")
        self.assertEqual((adler.state, adler.no_answer_count, adler.next_try), ("failed", 2, False))
        self.assertEqual(adler.attempt_ids.mapped("outcome"), ["no_answer", "busy"])

    def test_a_contact_left_for_30_minutes_is_offered_again(self):
        adler, brandt = self.contacts[:2]
        with freeze_time(MONDAY_9) as clock:
            self.assertEqual(self.next_for(self.agent), adler)
            clock.tick(timedelta(minutes=20))
            self.assertEqual(self.next_for(self.colleague), brandt)
            self.record(self.colleague, brandt, "reached")
            clock.tick(timedelta(minutes=11))
            self.assertEqual(self.next_for(self.colleague), adler, "Anna left Adler 31 minutes ago")
            self.assertEqual(adler.agent_id, self.colleague)
            with self.assertRaisesRegex(UserError, "Bäckerei Brandt is not being called"):
                self.record(self.agent, brandt, "reached")
            with self.assertRaisesRegex(UserError, "Apotheke Adler is being called by Carl Colleague"):
                self.record(self.agent, adler, "reached")

    def test_calling_hours(self):
        self.campaign.write({"day_sat": False, "day_sun": False, "hour_from": 9.5, "hour_to": 17.0})
        with (
            freeze_time("2026-03-07 10:00:00"),
            self.assertRaisesRegex(
                UserError,
                r"outside the calling hours of your campaigns: Spring offer: Monday, Tuesday, Wednesday, "
                r"Thursday, Friday, 09:30-17:00 \(UTC\)",
            ),
        ):
            self.next_for(self.agent)
        with freeze_time("2026-03-02 09:29:00"), self.assertRaisesRegex(UserError, "outside the calling hours"):
            self.next_for(self.agent)
        self.campaign.tz = "Europe/Berlin"  # 08:30 UTC is 09:30 in Berlin
        with freeze_time("2026-03-02 08:30:00"):
            self.assertEqual(self.next_for(self.agent), self.contacts[0])

    def test_no_campaign_no_queue(self):
        self.campaign.action_done()
        with self.assertRaisesRegex(UserError, "not an agent of any running call campaign"):
            self.next_for(self.agent)

    def test_outcome_needs_its_details(self):
        with freeze_time(MONDAY_9):
            adler = self.next_for(self.agent)
            with self.assertRaisesRegex(UserError, "date and time to call back"):
                self.record(self.agent, adler, "call_back", callback_date=MONDAY_9 - timedelta(hours=1))
            with self.assertRaisesRegex(UserError, "amount the customer promised"):
                self.record(self.agent, adler, "promise", promise_date="2026-03-05")
            with self.assertRaisesRegex(UserError, "today or later"):
                self.record(self.agent, adler, "promise", promise_date="2026-03-01", promise_amount=50)
            self.assertEqual((adler.state, adler.attempt_ids), ("in_progress", self.env["telephony.campaign.attempt"]))
            with self.promise_recorded_here():
                self.record(self.agent, adler, "promise", promise_date="2026-03-05", promise_amount=50)
        self.assertEqual((adler.state, adler.promise_amount, str(adler.promise_date)), ("done", 50.0, "2026-03-05"))
        self.assertEqual(self.campaign.promised_amount, 50.0)

    def test_dial_and_the_call_linked_to_the_contact(self):
        self.pbx.write({"api_username": "odoo", "api_password": "pbx-pass"})
        with freeze_time(MONDAY_9 - timedelta(minutes=1)):
            adler = self.next_for(self.agent)
        with FakeHttpServer(lambda request: (200, {"result": "queued"})) as server:
            self.pbx.api_url = f"{server.url}/api/command"
            action = adler.with_user(self.agent).action_dial()
            with self.assertRaisesRegex(UserError, "being called by Anna Agent"):
                adler.with_user(self.colleague).action_dial()
        self.assertEqual(
            server.requests[0]["json"], {"action": "originate", "extension": "101", "number": "+49301111111"}
        )
        self.assertEqual(action["params"]["message"], "Your phone rings: pick it up to call 030 1111111.")
        # the PBX reports the call it placed: Anna's extension to Adler's number
        self.event("ringing", 0, "c2d-1", direction="outbound", extension="101", **{"from": "101", "to": "030 1111111"})
        self.event("answered", 5, "c2d-1", extension="101")
        call = self.event("hangup", 95, "c2d-1")
        self.assertEqual(call.partner_id, self.partners[0])
        with freeze_time(MONDAY_9 + timedelta(minutes=2)):
            self.record(self.agent, adler, "reached")
        self.assertEqual(adler.call_ids, call)
        self.assertEqual(adler.attempt_ids.call_id, call)
        screen = adler.with_user(self.agent)
        self.assertIn(call, screen.partner_call_ids, "the agent's screen lists the partner's calls")
        self.assertEqual(screen.partner_attempt_ids.outcome, "reached")

    def test_record_and_next_offers_the_next_contact(self):
        with freeze_time(MONDAY_9):
            adler = self.next_for(self.agent)
            wizard = (
                self.env["telephony.campaign.outcome"]
                .with_user(self.agent)
                .create({"contact_id": adler.id, "outcome": "reached"})
            )
            action = wizard.action_record_and_next()
        self.assertEqual(action["res_id"], self.contacts[1].id)
        self.assertEqual(
            action["views"][0][0], self.env.ref("telephony_campaign.telephony_campaign_contact_agent_form").id
        )
