from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MONDAY_9, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignQuestions(CampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Spring offer questions",
                "access_mode": "token",
                "question_and_page_ids": [
                    (0, 0, {"title": "How many lines do you use?", "question_type": "numerical_box"}),
                ],
            }
        )
        cls.campaign.survey_id = cls.survey

    def test_answers_are_the_contacts_survey_answer(self):
        with freeze_time(MONDAY_9):
            adler = self.next_for(self.agent)
        with self.assertRaisesRegex(UserError, "needs the Surveys user right"):
            adler.with_user(self.agent).action_answer_questions()
        self.agent.groups_id = [(4, self.env.ref("survey.group_survey_user").id)]
        action = adler.with_user(self.agent).action_answer_questions()
        answer = adler.survey_user_input_id
        self.assertEqual((answer.survey_id, answer.partner_id), (self.survey, self.partners[0]))
        self.assertEqual(action["url"], f"/survey/start/{self.survey.access_token}?answer_token={answer.access_token}")
        adler.with_user(self.agent).action_answer_questions()
        self.assertEqual(adler.survey_user_input_id, answer, "asking again continues the same answers")
        answer._save_lines(self.survey.question_ids, "4")
        self.assertEqual(adler.with_user(self.agent).survey_answer_line_ids.value_numerical_box, 4.0)
