"""The story the demo data tells: a Ukrainian internet and TV provider and its subscribers.

Plain Python and deterministic (no random numbers): every install loads the same story,
its dates counted back from the install day. The demo loader (``subscription.demo``)
turns it into partners, subscriptions, invoices and payments through the ORM.
"""

import datetime

from .periods import add_months

COMPANY_NAME = "ТОВ «Мережа Плюс»"
# the company's registry code (ЄДРПОУ): how every addon's demo finds the demo company
COMPANY_REGISTRY = "43871268"
HISTORY_DAYS = 183  # six months of history

FIRST_NAMES = [
    "Олена", "Андрій", "Наталія", "Сергій", "Ірина", "Володимир", "Оксана", "Микола", "Марія", "Тарас",
    "Тетяна", "Дмитро", "Юлія", "Богдан", "Світлана", "Іван", "Галина", "Віталій", "Людмила", "Юрій",
]  # fmt: skip
LAST_NAMES = [
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник", "Поліщук",
    "Савченко", "Руденко", "Лисенко", "Марченко", "Гончаренко", "Ковальчук", "Мороз", "Павленко",
    "Левченко", "Білик", "Кузьменко", "Литвиненко", "Карпенко", "Захарченко", "Дорошенко",
]  # fmt: skip
BUSINESSES = [
    "ТОВ «Смачна випічка»", "ТОВ «Дентал Плюс»", "ФОП Гриценко О. В.", "ТОВ «Агро-Логістик»",
    "Кав'ярня «Зерно»", "ТОВ «Архітектурне бюро Обрій»", "Аптека «Калина»", "СТО «Автодім»",
    "ТОВ «Юридична фірма Право»", "Готель «Лісова пісня»", "ФОП Тимошенко Л. П.", "ТОВ «Будсервіс»",
]  # fmt: skip
CITIES = [
    ("Київ", "02140"), ("Бровари", "07400"), ("Ірпінь", "08200"),
    ("Бориспіль", "08300"), ("Буча", "08292"), ("Вишневе", "08132"),
]  # fmt: skip
STREETS = [
    "вул. Шевченка", "вул. Лесі Українки", "вул. Грушевського", "просп. Незалежності",
    "вул. Івана Франка", "вул. Садова", "вул. Соборна", "бульв. Дружби",
]  # fmt: skip
MOBILE_CODES = ["67", "50", "63", "66", "93", "97", "68", "95", "73"]

# Tariffs: key -> (name, price in UAH per period, period kind, billing mode)
TARIFFS = {
    "inet_100": ("Інтернет 100 Мбіт/с", 250.0, "month", "advance"),
    "inet_500": ("Інтернет 500 Мбіт/с", 350.0, "month", "advance"),
    "inet_1000": ("Бізнес 1 Гбіт/с (квартал)", 2700.0, "quarter", "advance"),
    "tv_basic": ("Телебачення «Базовий»", 120.0, "month", "advance"),
    "tv_max": ("Телебачення «Максимум»", 220.0, "month", "advance"),
    "static_ip": ("Статична IP-адреса", 60.0, "month", "arrears"),
    "router": ("Оренда роутера", 50.0, "month", "advance"),
}
RESIDENTIAL_PACKAGES = [
    ["inet_100"],
    ["inet_100", "tv_basic"],
    ["inet_500", "router"],
    ["inet_500", "tv_max"],
    ["inet_100", "tv_basic", "router"],
    ["inet_500"],
]
BUSINESS_PACKAGES = [["inet_1000", "static_ip"], ["inet_500", "static_ip", "router"]]

# How many subscribers follow each way of paying (60 in all).
SCENARIOS = [
    ("on_time", 26),  # pays within days of the invoice
    ("late", 7),  # pays a few days after the due date, never long enough to be suspended
    ("partial", 2),  # paid only half of the last invoice
    ("overdue_1_30", 4),  # stopped paying: oldest debt 1-30 days overdue
    ("promise", 3),  # overdue, promised to pay: suspension postponed
    ("overdue_31_60", 3),
    ("overdue_61_90", 3),
    ("overdue_90", 2),  # over 90 days overdue
    ("collection", 2),  # over 90 days overdue and handed over to collection
    ("comeback", 3),  # suspended for debt three months ago, paid and reactivated
    ("closed", 2),  # moved away: contract closed last month
    ("new", 3),  # connected in the last weeks
]
PAYMENT_TERM_DAYS = 15
# An invoice of these subscribers is dated this many days ago (give or take two days): the
# oldest one they leave unpaid, so that their debt falls in its aging bucket whatever the day.
ANCHOR_DAYS = {
    "partial": 20,
    "overdue_1_30": 28,
    "promise": 31,
    "overdue_31_60": 60,
    "overdue_61_90": 90,
    "overdue_90": 120,
    "collection": 150,
    "comeback": 140,
}
PROMISE_DAYS_AGO = 5  # the promise is made before the suspension would come, and lasts until after today
COMEBACK_PAID_DAYS_AGO = 80  # the comeback subscribers paid their debt on this day, three months late
CLOSED_DAYS_AGO = 40
UNPAID = {"overdue_1_30", "promise", "overdue_31_60", "overdue_61_90", "overdue_90", "collection"}

_TRANSLIT = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
        (
            "a",
            "b",
            "v",
            "h",
            "g",
            "d",
            "e",
            "ie",
            "zh",
            "z",
            "y",
            "i",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "iu",
            "ia",
            "_",
        ),
        strict=True,
    )
)


def transliterate(text):
    """Latin letters for an e-mail address (Ukrainian national transliteration, simplified)."""
    return "".join(_TRANSLIT.get(char, char) for char in text.lower()).replace("_", "")


def _scenario_order():
    """The scenario of each subscriber, mixed so that neighbours do not share one."""
    expanded = [name for name, count in SCENARIOS for _n in range(count)]
    total = len(expanded)
    # 37 is prime to 60: a permutation of the indexes
    return [expanded[(index * 37) % total] for index in range(total)]


def subscribers(today):
    """One dict per subscriber: partner values, customer group, tariffs, start date, scenario."""
    result = []
    for index, scenario in enumerate(_scenario_order()):
        number = index + 1
        business = index % 5 == 4
        city, zip_code = CITIES[index % len(CITIES)]
        if business:
            name = BUSINESSES[(index // 5) % len(BUSINESSES)]
            email = f"office{number:02d}@example.com.ua"
            packages = BUSINESS_PACKAGES[(index // 5) % len(BUSINESS_PACKAGES)]
        else:
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
            name = f"{last} {first}"
            email = f"{transliterate(first)}.{transliterate(last)}{number}@example.com.ua"
            packages = RESIDENTIAL_PACKAGES[index % len(RESIDENTIAL_PACKAGES)]
        if scenario in ANCHOR_DAYS:
            anchor = today - datetime.timedelta(days=ANCHOR_DAYS[scenario] + index % 5 - 2)
            start = add_months(anchor, -((HISTORY_DAYS - ANCHOR_DAYS[scenario]) // 31))
        elif scenario == "new":
            start = today - datetime.timedelta(days=6 + (index * 5) % 20)
        elif scenario == "on_time":
            # the provider grows: they joined one to six months ago
            start = today - datetime.timedelta(days=35 + (index * 41) % 145)
        else:
            start = today - datetime.timedelta(days=HISTORY_DAYS - (index * 11) % 28)  # any day of the month
        code = MOBILE_CODES[index % len(MOBILE_CODES)]
        result.append(
            {
                "ref": f"МП-{number:04d}",
                "name": name,
                "is_company": business,
                "email": email,
                "city": city,
                "zip": zip_code,
                "street": f"{STREETS[(index * 3) % len(STREETS)]}, {5 + (index * 13) % 120}",
                "mobile": f"+380 {code} {100 + index * 17 % 900:03d} {(index * 29) % 100:02d} {number:02d}",
                "group": "business" if business else "residential",
                "tariffs": packages,
                "date_start": start,
                "scenario": scenario,
            }
        )
    return result


def payment(scenario, invoice_date, due_date, today):
    """(day the invoice is paid, share of it paid) for a subscriber of ``scenario``; None: unpaid today."""
    spread = (invoice_date.toordinal() * 7) % 9
    on_time = invoice_date + datetime.timedelta(days=1 + spread)
    days_ago = (today - due_date).days
    anchor_due = ANCHOR_DAYS.get(scenario, 0) - PAYMENT_TERM_DAYS
    if scenario in UNPAID and days_ago <= anchor_due + 5:
        return None  # the anchor invoice (due anchor_due +- 2 days ago) and every later one
    if scenario == "comeback" and COMEBACK_PAID_DAYS_AGO < days_ago <= anchor_due + 5:
        return today - datetime.timedelta(days=COMEBACK_PAID_DAYS_AGO), 1.0
    if scenario == "partial" and 0 < days_ago <= anchor_due + 5:
        return due_date - datetime.timedelta(days=1), 0.5
    if scenario == "late":
        late = due_date + datetime.timedelta(days=2 + spread)  # at most 10 days late: never suspended
        return (late, 1.0) if late < today else None
    return (on_time, 1.0) if on_time < today else None
