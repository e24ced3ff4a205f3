from . import test_autopay, test_portal_access, test_portal_promise, test_portal_tour
