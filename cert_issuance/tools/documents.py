"""The total in words that the contract and the acceptance act print.

The total in words is written as the document's language says money: units and subunits
declined with the number ("одна тисяча двісті одна гривня 05 копійок", "tysiąc dwieście
jeden złotych 05 groszy"), which Odoo's own ``res.currency.amount_to_text`` does not do (it
writes the number, then the currency's unit label unchanged).
"""

from decimal import ROUND_HALF_UP, Decimal

try:
    from num2words import num2words
except ImportError:  # an Odoo dependency; without it the caller falls back to Odoo's text
    num2words = None


def amount_in_words(amount, currency_code, lang):
    """``amount`` of ``currency_code`` in words in ``lang`` (Odoo code such as ``uk_UA``), subunits in digits.

    The first letter is a capital, as documents write it. None when num2words cannot
    say this currency in this language: the caller then uses Odoo's ``amount_to_text``.
    """
    if num2words is None:
        return None
    value = Decimal(str(amount)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    language = (lang or "en_US").split("_")[0]
    try:
        # A Decimal, never an int: num2words reads an int as a number of subunits.
        text = num2words(value, lang=language, to="currency", currency=currency_code, cents=False, separator="")
    except (NotImplementedError, KeyError, TypeError):
        return None
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]
