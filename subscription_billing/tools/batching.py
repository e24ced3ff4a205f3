"""Cut the subscriptions due into the batches the billing jobs take, one job each."""


def partition(rows, size):
    """Split ``(id, group)`` rows, sorted by group, into lists of ids of about ``size``.

    Each id lands in exactly one batch, and the rows of one group (a customer, whose
    subscriptions may share one invoice) stay in one batch unless that group alone is
    larger than ``size``.
    """
    if size < 1:
        raise ValueError("a batch holds at least one subscription")
    batches, current, last_group = [], [], object()
    for record_id, group in rows:
        if len(current) >= size and (group != last_group or len(current) >= 2 * size):
            batches.append(current)
            current = []
        current.append(record_id)
        last_group = group
    if current:
        batches.append(current)
    return batches
