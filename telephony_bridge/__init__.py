from . import cli
from . import controllers
from . import models
from . import report
from . import wizards


def _post_init_backfill_phone_e164(env):
    """Normalize the numbers of partners that existed before the install.

    A first batch now (small databases are done at once), the rest by jobs, a batch each.
    """
    _done, remaining = env["res.partner"]._telephony_backfill_batch(limit=5000)
    if remaining:
        env["res.partner"]._telephony_enqueue_backfill(5000)
