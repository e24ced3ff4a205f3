/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Logs in, opens the app from the apps menu and waits for its first view:
// proves the menus, actions, views and assets of the addon load in a browser.
registry.category("web_tour.tours").add("subscription_billing_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Subscriptions app",
            trigger: '.o_app[data-menu-xmlid="subscription_billing.menu_root"]',
            run: "click",
        },
        {
            content: "The app's name is in the navbar",
            trigger: '.o_main_navbar .o_menu_brand:contains("Subscriptions")',
        },
        {
            content: "The app's first view is displayed",
            trigger: ".o_action_manager .o_action .o_content, .o_action_manager .o_setting_container",
        },
    ],
});
