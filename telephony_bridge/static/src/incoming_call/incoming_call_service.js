/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/**
 * Shows the incoming call the server announces on the bus
 * (telephony_bridge/incoming_call, sent to the agent whose extension rings):
 * who calls, their company and what other addons add (subscriptions, balance),
 * with buttons to the contact card, the call, or a prefilled new contact.
 */
export const telephonyIncomingCallService = {
    dependencies: ["bus_service", "notification", "action"],

    start(env, { bus_service, notification, action }) {
        const openForm = (resModel, resId, extra = {}) =>
            action.doAction({
                type: "ir.actions.act_window",
                res_model: resModel,
                res_id: resId,
                views: [[false, "form"]],
                ...extra,
            });

        bus_service.subscribe("telephony_bridge/incoming_call", (payload) => {
            const partners = payload.partners || [];
            const lines = partners.map((partner) => {
                const parts = [partner.name];
                if (partner.company && partner.company !== partner.name) {
                    parts.push(`(${partner.company})`);
                }
                for (const detail of partner.details || []) {
                    parts.push(`· ${detail}`);
                }
                return parts.join(" ");
            });
            const message = lines.length ? lines.join("\n") : payload.number || _t("Unknown number");
            let close = () => {};
            const buttons = [];
            if (partners.length) {
                buttons.push({
                    name: _t("Open contact"),
                    primary: true,
                    onClick: () => {
                        close();
                        openForm("res.partner", partners[0].id);
                    },
                });
            }
            if (payload.create_partner) {
                buttons.push({
                    name: _t("Create contact"),
                    primary: true,
                    onClick: () => {
                        close();
                        openForm("res.partner", false, {
                            context: { default_phone: payload.number_e164 || payload.number },
                        });
                    },
                });
            }
            buttons.push({
                name: _t("Open call"),
                onClick: () => {
                    close();
                    openForm("telephony.call", payload.call_id);
                },
            });
            close = notification.add(message, {
                title: payload.title,
                type: "info",
                sticky: true,
                buttons,
            });
        });
    },
};

registry.category("services").add("telephony_bridge_incoming_call", telephonyIncomingCallService);
