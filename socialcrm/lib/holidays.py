"""French public holidays (metropolitan France), for the phone-prospecting hours rule."""

import datetime
from functools import lru_cache


def easter_sunday(year: int) -> datetime.date:
    """Anonymous Gregorian computus (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@lru_cache(maxsize=32)
def french_public_holidays(year: int) -> frozenset[datetime.date]:
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [
        easter + datetime.timedelta(days=n) for n in (1, 39, 50)
    ]  # Monday, Ascension, Whit Monday
    return frozenset([datetime.date(year, m, d) for m, d in fixed] + movable)


def is_french_public_holiday(day: datetime.date) -> bool:
    return day in french_public_holidays(day.year)
