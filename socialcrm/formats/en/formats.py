"""English dates read day, month, year, as the company's teams and prospects (in Europe) read
them, and never as 03/01/2024, which half of them would take for the first of March and the
other half for the third of January. Hours on 24 hours, as in French. What a form accepts is
Django's own (ISO first)."""

DATE_FORMAT = "j M Y"  # 1 Mar 2024
SHORT_DATE_FORMAT = "j M Y"  # the same: a page never shows one date two ways
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
