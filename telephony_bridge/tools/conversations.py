"""Conversations per service: the key a conversation is grouped by, the last call about a service.

No Odoo import: the models pass plain values in.
"""

TAG_MODEL = "telephony.service.tag"


def service_key(model, res_id, tag_id):
    """The key conversations about one service share: ``"<model>,<id>"``.

    A conversation about a document (a subscription, a licence, a certificate set)
    is keyed by that document; one about a free service tag by the tag; one about no
    service has no key (``False``). The document wins when both are given: the tag
    then only describes it.
    """
    if model and res_id:
        return f"{model},{int(res_id)}"
    if tag_id:
        return f"{TAG_MODEL},{int(tag_id)}"
    return False


def last_call(candidates):
    """The id of the newest call among ``(start, call_id)`` pairs, or ``False``.

    ``start`` may be ``None`` (a call whose PBX sent no start time): such a call is
    older than any dated one. Between calls started at the same moment the higher
    id, the one recorded later, wins.
    """
    dated = [(start is not None, start, call_id) for start, call_id in candidates if call_id]
    if not dated:
        return False
    return max(dated, key=lambda row: (row[0], row[1] if row[0] else 0, row[2]))[2]
