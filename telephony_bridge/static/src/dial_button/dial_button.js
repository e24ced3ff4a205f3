/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { PhoneField } from "@web/views/fields/phone/phone_field";
import { Component, onWillStart } from "@odoo/owl";

/** Click-to-dial next to phone fields: the PBX rings the user's extension, then the number. */
export class TelephonyDialButton extends Component {
    static template = "telephony_bridge.DialButton";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.title = _t("Call through the PBX");
        this.canDial = false;
        onWillStart(async () => {
            this.canDial = await user.hasGroup("telephony_bridge.group_telephony_bridge_user");
        });
    }

    get number() {
        return this.props.record.data[this.props.name] || "";
    }

    async onClick() {
        const result = await this.orm.call("telephony.pbx", "action_dial_number", [this.number]);
        if (result) {
            await this.action.doAction(result);
        }
    }
}

patch(PhoneField, {
    components: {
        ...PhoneField.components,
        TelephonyDialButton,
    },
});
