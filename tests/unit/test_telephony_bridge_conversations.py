from datetime import datetime

from addon_tools import tools

conv = tools("telephony_bridge", "conversations")


def test_service_key_of_a_document_a_tag_or_nothing():
    assert conv.service_key("subscription.subscription", 7, False) == "subscription.subscription,7"
    assert conv.service_key(False, False, 3) == "telephony.service.tag,3"
    # the document is the service; a tag beside it only describes it
    assert conv.service_key("cert.license", 12, 3) == "cert.license,12"
    assert conv.service_key(False, False, False) is False
    assert conv.service_key("cert.license", 0, False) is False


def test_last_call_is_the_newest_start_then_the_highest_id():
    jan, feb = datetime(2026, 1, 5, 9, 0), datetime(2026, 2, 3, 14, 30)
    assert conv.last_call([(jan, 11), (feb, 4), (None, 20)]) == 4
    assert conv.last_call([(feb, 4), (feb, 9)]) == 9
    assert conv.last_call([(None, 20), (None, 21)]) == 21
    assert conv.last_call([(jan, False)]) is False
    assert conv.last_call([]) is False
