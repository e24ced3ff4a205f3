{
    "name": "Telephony Call Campaigns",
    "summary": "Telemarketing campaigns: lists to call from saved filters or files, script, questions, "
    "agents' queues, outcomes and results",
    "version": "18.0.1.0.0",
    "category": "Telephony",
    "license": "LGPL-3",
    "author": "Subscription Suite",
    "website": "https://github.com/subscription-suite/odoo-addons",
    "depends": ["telephony_bridge", "survey"],
    "data": [
        "security/ir.model.access.csv",
        "security/telephony_campaign_rules.xml",
        "data/telephony_campaign_actions.xml",
        "views/telephony_campaign_contact_views.xml",
        "views/telephony_campaign_attempt_views.xml",
        "wizards/telephony_campaign_outcome_views.xml",
        "wizards/telephony_campaign_import_views.xml",
        "views/telephony_campaign_views.xml",
        "views/telephony_campaign_menus.xml",
    ],
    "demo": ["demo/telephony_campaign_demo.xml"],
}
