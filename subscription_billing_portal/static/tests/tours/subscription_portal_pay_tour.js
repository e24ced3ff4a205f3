import { registry } from "@web/core/registry";

// A portal subscriber opens their suspended subscription, pays what is overdue with the
// demo payment provider and finds the subscription active again.
registry.category("web_tour.tours").add("subscription_billing_portal_pay_suspended", {
    url: "/my/subscriptions",
    steps: () => [
        {
            content: "Open the suspended subscription",
            trigger: "tr:has(.o_subscription_state:contains('Suspended')) a",
            run: "click",
        },
        {
            content: "The suspension notice offers to pay",
            trigger: ".o_subscription_suspended a.o_subscription_pay_overdue",
            run: "click",
        },
        {
            content: "Choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            content: "Fill in the demo card details",
            trigger: "input[name='customer_input']",
            run: "edit 4242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the invoices, the overdue one is paid",
            trigger: "td[name='invoice_status'] .text-bg-success",
        },
        {
            content: "Back to the subscriptions",
            trigger: "body",
            run: () => {
                window.location.href = "/my/subscriptions";
            },
            expectUnloadPage: true,
        },
        {
            content: "The subscription is active again",
            trigger: "tr .o_subscription_state:contains('Active')",
        },
    ],
});
