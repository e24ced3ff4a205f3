"""Binotel webhook requests as Binotel sends them: form-encoded bodies, PHP style.

Plain Python (no Odoo): shared by the unit tests of ``tools/binotel.py`` and the
endpoint tests. Binotel posts ``application/x-www-form-urlencoded`` bodies built by
PHP's ``http_build_query``: nested arrays as ``callDetails[historyData][0][billsec]``,
brackets percent-encoded, spaces as ``+`` (what ``urllib.parse.urlencode`` writes).
Request types and field names (and their order) follow Binotel's API documentation
(developers.binotel.ua: "API CALL SETTINGS", "API CALL COMPLETED") as the open
clients read them (sashalenz/binotel-api ``src/ResponseData/Webhooks/*.php``,
enotagency's ``CallCompletedBuilder``). Numbers, names and ids are invented: a Kyiv
customer calls the company's Binotel number; employees are at 901 and 902.
"""

from urllib.parse import urlencode

COMPANY_ID = "48213"
CALL_ID = "3187426590"
CUSTOMER = "0441234567"  # Kyiv landline as Binotel writes it: national, with its 0
CUSTOMER_E164 = "+380441234567"
OUR_NUMBER = "0443334455"
START = 1772442000  # 2026-03-02 09:00:00 UTC, the fixtures' T0
EMPLOYEES = {"901": ("Anna Agent", "anna@example.com"), "902": ("Carl Colleague", "carl@example.com")}


def body(pairs):
    return urlencode(pairs).encode()


def received(internal="901", call_type="0", external=CUSTOMER, call_id=CALL_ID):
    """receivedTheCall: the call starts and rings the employee ``internal``."""
    return [
        ("requestType", "receivedTheCall"),
        ("generalCallID", call_id),
        ("callType", call_type),
        ("companyID", COMPANY_ID),
        ("didNumber", OUR_NUMBER),
        ("did", OUR_NUMBER),
        ("srcNumber", external),
        ("pbxNumber", OUR_NUMBER),
        ("externalNumber", external),
        ("internalNumber", internal),
        ("method", "phone"),
    ]


def answered(internal="901", call_type="0", external=CUSTOMER, call_id=CALL_ID):
    """answeredTheCall: the employee ``internal`` answers."""
    return [
        ("requestType", "answeredTheCall"),
        ("generalCallID", call_id),
        ("callType", call_type),
        ("companyID", COMPANY_ID),
        ("pbxNumber", OUR_NUMBER),
        ("externalNumber", external),
        ("internalNumber", internal),
    ]


def transferred(internal="902", call_id=CALL_ID):
    """transferredTheCall: the call goes on to the employee ``internal``."""
    return [
        ("requestType", "transferredTheCall"),
        ("internalNumber", internal),
        ("generalCallID", call_id),
        ("companyID", COMPANY_ID),
    ]


def hangup(billsec, disposition="ANSWER", call_id=CALL_ID):
    """hangupTheCall: the call ends (it names no companyID)."""
    return [
        ("requestType", "hangupTheCall"),
        ("generalCallID", call_id),
        ("billsec", str(billsec)),
        ("disposition", disposition),
        ("method", "phone"),
    ]


def completed(disposition, waitsec, billsec, *, internal="901", call_type="0", external=CUSTOMER, history=None,
              call_id=CALL_ID, attempts="1", company_id=COMPANY_ID):  # fmt: skip
    """apiCallCompleted: the record of the finished call; ``history`` is a list of
    (internalNumber, waitsec, billsec, disposition), one per employee reached."""
    details = [
        ("companyID", company_id),
        ("generalCallID", call_id),
        ("callID", str(int(call_id) + 1)),
        ("startTime", str(START)),
        ("callType", call_type),
        ("internalNumber", internal),
        ("internalAdditionalData", ""),
        ("externalNumber", external),
        ("waitsec", str(waitsec)),
        ("billsec", str(billsec)),
        ("disposition", disposition),
        ("recordingStatus", "uploaded" if billsec else "not recorded"),
        ("isNewCall", "0"),
        ("whoHungUp", "client"),
        ("customerData][id", "552731"),
        ("customerData][name", "Olena Kovalenko"),
        ("employeeData][name", "Anna Agent"),
        ("employeeData][email", "anna@example.com"),
        ("pbxNumberData][number", OUR_NUMBER),
        ("pbxNumberData][name", "Kyiv office"),
    ]
    for index, (agent, wait, bill, outcome) in enumerate(history or [(internal, waitsec, billsec, disposition)]):
        details += [
            (f"historyData][{index}][waitsec", str(wait)),
            (f"historyData][{index}][billsec", str(bill)),
            (f"historyData][{index}][disposition", outcome),
            (f"historyData][{index}][internalNumber", agent),
            (f"historyData][{index}][internalAdditionalData", ""),
            (f"historyData][{index}][employeeData][name", EMPLOYEES[agent][0]),
            (f"historyData][{index}][employeeData][email", EMPLOYEES[agent][1]),
        ]  # fmt: skip
    details += [
        ("linkToCallRecordOverlayInMyBusiness", f"https://my.binotel.ua/?module=history&subject={call_id}&sacte=ovl-link-pb-{call_id}"),
        ("linkToCallRecordInMyBusiness", f"https://my.binotel.ua/?module=history&subject={call_id}"),
    ]  # fmt: skip
    pairs = [("requestType", "apiCallCompleted"), ("attemptsCounter", attempts)]
    pairs += [(f"callDetails[{name}]", value) for name, value in details]
    return pairs


def settings_request(external=CUSTOMER):
    """apiCallSettings: Binotel asks how to route a call (no call event)."""
    return [
        ("requestType", "apiCallSettings"),
        ("externalNumber", external),
        ("companyID", COMPANY_ID),
        ("callType", "0"),
        ("pbxNumber", OUR_NUMBER),
    ]
