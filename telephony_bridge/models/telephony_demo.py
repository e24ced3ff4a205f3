import datetime

from odoo import Command, api, fields, models

from ..tools import demo_calls, phone

# The demo's Ukrainian provider is found by its registry code: whichever addon's demo is
# installed first creates it (see subscription_billing's and cert_issuance's demo too).
DEMO_COMPANY_REGISTRY = "43871268"
# The callers: customers of the provider, by customer code. subscription_billing's demo
# makes subscribers of the same codes (and gives them their story's names and addresses).
CALLERS = [
    "Шевченко Олена", "Поліщук Андрій", "Мороз Наталія", "Захарченко Сергій", "ТОВ «Смачна випічка»",
    "Гончаренко Володимир", "Литвиненко Оксана", "Ткаченко Микола", "Савченко Марія", "ТОВ «Дентал Плюс»",
    "Руденко Тетяна", "Бондаренко Дмитро", "Кравченко Юлія", "Левченко Богдан", "ФОП Гриценко О. В.",
    "Мельник Світлана", "Олійник Іван", "Білик Галина", "Марченко Віталій", "ТОВ «Агро-Логістик»",
]  # fmt: skip
AGENTS = [("Тарас Мельник", "agent", "102"), ("Ірина Савчук", "agent2", "103")]


class TelephonyDemo(models.AbstractModel):
    """Loads the demo's call centre: agents, a PBX, three weeks of calls and support hours."""

    _name = "telephony.demo"
    _description = "Telephony Demo Story"

    @api.model
    def _demo_company(self):
        company = self.env["res.company"].search([("company_registry", "=", DEMO_COMPANY_REGISTRY)], limit=1)
        if company:
            return company
        uah = self.env.ref("base.UAH")
        uah.active = True
        company = self.env["res.company"].create(
            {
                "name": "ТОВ «Мережа Плюс»",
                "company_registry": DEMO_COMPANY_REGISTRY,
                "currency_id": uah.id,
                "country_id": self.env.ref("base.ua").id,
                "city": "Київ",
                "zip": "01001",
                "street": "вул. Хрещатик, 22",
                "phone": "+380 44 290 10 10",
                "email": "info@merezha-plus.example.com.ua",
            }
        )
        company.partner_id.tz = "Europe/Kyiv"
        if not self.env["res.lang"]._lang_get("uk_UA").active:
            self.env["res.lang"]._activate_lang("uk_UA")
            self.env["ir.module.module"].search([("state", "=", "installed")])._update_translations("uk_UA")
        admin, demo = self.env.ref("base.user_admin"), self.env.ref("base.user_demo")
        (admin | demo).write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id, "lang": "uk_UA", "tz": "Europe/Kyiv"}
        )
        admin.name = "Олександр Петренко"
        demo.name = "Марко Демченко"
        return company

    @api.model
    def _demo_agents(self, company):
        agents = self.env.ref("base.user_admin") | self.env.ref("base.user_demo")
        group = self.env.ref("telephony_bridge.group_telephony_bridge_user")
        for name, login, extension in AGENTS:
            user = self.env["res.users"].search([("login", "=", login)], limit=1)
            if not user:
                user = (
                    self.env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "name": name,
                            "login": login,
                            "password": login,
                            "lang": "uk_UA",
                            "tz": "Europe/Kyiv",
                            "company_id": company.id,
                            "company_ids": [Command.set(company.ids)],
                            "telephony_extension": extension,
                            "groups_id": [Command.link(group.id)],
                        }
                    )
                )
            agents |= user
        return agents

    @api.model
    def _demo_callers(self):
        refs = [f"МП-{number:04d}" for number in range(1, len(CALLERS) + 1)]
        existing = {p.ref: p for p in self.env["res.partner"].search([("ref", "in", refs)])}
        ukraine = self.env.ref("base.ua")
        values = []
        for index, (ref, name) in enumerate(zip(refs, CALLERS, strict=True)):
            if ref not in existing:
                values.append(
                    {
                        "ref": ref,
                        "name": name,
                        "is_company": index % 5 == 4,
                        "mobile": f"+380 67 4{index:02d} {index * 7 % 100:02d} {index * 3 % 100:02d}",
                        "country_id": ukraine.id,
                        "city": "Київ",
                        "lang": "uk_UA",
                    }
                )
        created = self.env["res.partner"].with_context(tracking_disable=True).create(values)
        existing.update({p.ref: p for p in created})
        return [existing[ref] for ref in refs if existing[ref].mobile or existing[ref].phone]

    @api.model
    def _load_story(self, now=None):
        now = now or fields.Datetime.now()
        company = self._demo_company()
        return self.with_company(company)._load_story_in(company, now)

    @api.model
    def _load_story_in(self, company, now):
        agents = self._demo_agents(company)
        team = self.env["telephony.team"].create(
            {"name": "Служба підтримки", "company_id": company.id, "member_ids": [Command.set(agents.ids)]}
        )
        pbx = self.env["telephony.pbx"].create(
            {
                "name": "Офісна АТС (вебхук)",
                "company_id": company.id,
                "team_id": team.id,
                "pbx_type": "generic",
                "webhook_auth": "token",
                "webhook_secret": "demo-ua-pbx-token-change-me",
                "country_id": self.env.ref("base.ua").id,
            }
        )
        self.env["telephony.sms.provider"].create(
            {
                "name": "Демо-шлюз SMS (нічого не надсилає)",
                "company_id": company.id,
                "url": "demo:",
                "sequence": 100,
                "sender": "MerezhaPlus",
            }
        )
        callers = self._demo_callers()
        calls = self._demo_calls(pbx, team, agents, callers, now)
        self._demo_support(company, callers, calls, agents, now)
        return calls

    @api.model
    def _demo_calls(self, pbx, team, agents, callers, now):
        planned = demo_calls.plan(now, len(callers), len(agents))
        office = "+380 44 290 10 10"
        values = []
        for index, call in enumerate(planned):
            partner = callers[call["customer"]] if call["customer"] is not None else None
            number = (partner.mobile or partner.phone) if partner else call["unknown_number"]
            agent = agents[call["agent"]]
            inbound = call["direction"] == "inbound"
            answer = call["start"] + datetime.timedelta(seconds=call["ring"]) if call["state"] == "answered" else None
            end = (answer or call["start"]) + datetime.timedelta(seconds=call["talk"] or call["ring"])
            values.append(
                {
                    "pbx_id": pbx.id,
                    "team_id": team.id,
                    "company_id": pbx.company_id.id,
                    "pbx_call_id": f"demo-ua-{index + 1:04d}",
                    "direction": call["direction"],
                    "state": call["state"],
                    "caller_number": number if inbound else agent.telephony_extension,
                    "callee_number": office if inbound else number,
                    "remote_number": number,
                    "remote_e164": phone.to_e164(number, "UA"),
                    "number_kind": "valid",
                    "partner_id": partner.id if partner else False,
                    "extension": agent.telephony_extension,
                    "agent_id": agent.id if call["state"] != "missed" or inbound else False,
                    "first_agent_id": agent.id if answer else False,
                    "start_date": call["start"],
                    "answer_date": answer,
                    "end_date": end,
                    "ring_seconds": call["ring"],
                    "talk_seconds": call["talk"],
                    "talk_minutes": round(call["talk"] / 60.0, 2),
                    "hangup_cause": "busy" if call["state"] == "busy" else False,
                    "is_callback": call["callback_of"] is not None,
                }
            )
        records = self.env["telephony.call"].create(values)
        for index, call in enumerate(planned):
            record = records[index]
            if call["callback_of"] is not None:
                records[call["callback_of"]].write(
                    {
                        "callback_call_id": record.id,
                        "processed": True,
                        "processed_by_id": record.agent_id.id,
                        "processed_date": record.end_date,
                    }
                )
            elif call["transfer_to"] is not None:
                self._demo_transfer(record, agents[call["transfer_to"]])
        days_ago = now - datetime.timedelta(days=2)
        old_unknown = records.filtered(
            lambda c: c.state == "missed" and not c.partner_id and not c.processed and c.start_date < days_ago
        )
        old_unknown.write({"processed": True, "note": "Невідомий номер, голосового повідомлення немає."})
        return records

    @api.model
    def _demo_transfer(self, call, second):
        """The first agent answers, then hands the call over to ``second`` after a third of it."""
        first = call.agent_id
        split = call.answer_date + datetime.timedelta(seconds=call.talk_seconds // 3)
        legs = [
            (first, call.answer_date, split, False),
            (second, split, call.end_date, first),
        ]
        self.env["telephony.call.leg"].create(
            [
                {
                    "call_id": call.id,
                    "company_id": call.company_id.id,
                    "sequence": sequence,
                    "extension": agent.telephony_extension,
                    "agent_id": agent.id,
                    "transferred_from_extension": origin.telephony_extension if origin else False,
                    "transferred_from_id": origin.id if origin else False,
                    "start_date": start,
                    "answer_date": start,
                    "end_date": end,
                    "talk_seconds": int((end - start).total_seconds()),
                    "talk_minutes": round((end - start).total_seconds() / 60.0, 2),
                }
                for sequence, (agent, start, end, origin) in enumerate(legs, start=1)
            ]
        )
        call.write(
            {
                "transferred": True,
                "agent_id": second.id,
                "extension": second.telephony_extension,
                "note": "Питання щодо рахунку: переведено до бухгалтерії.",
            }
        )

    @api.model
    def _demo_support(self, company, callers, calls, agents, now):
        """Prepaid support hours of three business customers: two are running low."""
        service = self.env["telephony.support.service"].create(
            {
                "name": "Технічна підтримка бізнес-клієнтів",
                "company_id": company.id,
                "rounding_mode": "up",
                "rounding_step": 15,
                "free_seconds": 30,
                "low_hours": 2,
            }
        )
        businesses = [partner for partner in callers if partner.is_company][:3]
        for position, partner in enumerate(businesses):
            package = self.env["telephony.support.package"].create(
                {
                    "name": "Пакет підтримки 10 год",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "service_id": service.id,
                    "hours_bought": 10,
                    "date_start": (now - datetime.timedelta(days=60)).date(),
                    "date_end": (now + datetime.timedelta(days=300)).date(),
                    "source_reference": f"Рахунок МП-{2026 - position}",
                    "user_id": agents[0].id,
                }
            )
            answered = calls.filtered(lambda c, p=partner: c.partner_id == p and c.state == "answered")
            rows = [
                {
                    "package_id": package.id,
                    "call_id": call.id,
                    "date": call.start_date,
                    "talk_seconds": call.talk_seconds,
                    "minutes": 15 * -(-call.talk_seconds // 900),
                    "description": call.remote_number,
                }
                for call in answered
            ]
            used = sum(row["minutes"] for row in rows)
            # on-site work logged by hand: enough to leave 1 h 15 min, 1 h 45 min and 6 h
            target = (525, 495, 240)[position]
            if target > used:
                rows.append(
                    {
                        "package_id": package.id,
                        "date": now - datetime.timedelta(days=30),
                        "minutes": target - used,
                        "description": "Налаштування мережі в офісі клієнта",
                    }
                )
            self.env["telephony.support.consumption"].create(rows)
