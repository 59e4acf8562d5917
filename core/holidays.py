"""Public holidays in France and its overseas zones, and the zone a phone number rings in.

The calendars come from the ``holidays`` package (France with its subdivisions): the
national days, Alsace-Moselle's Good Friday and 26 December, and each overseas
zone's own days (abolition of slavery, Mi-Carême…). A zone is a subdivision code of
that package, ``""`` being metropolitan France without a known département.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import phonenumbers

METROPOLE = ""
MOSELLE = "57"
ALSACE = "6AE"

# Each zone's clock: the consumer's local time decides the calling hours (RULES 7).
_TIMEZONES = {
    METROPOLE: "Europe/Paris",
    MOSELLE: "Europe/Paris",
    ALSACE: "Europe/Paris",
    "971": "America/Guadeloupe",
    "BL": "America/St_Barthelemy",
    "MF": "America/Marigot",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
    "PM": "America/Miquelon",
    "NC": "Pacific/Noumea",
    "PF": "Pacific/Tahiti",
    "WF": "Pacific/Wallis",
}

# Country calling codes of the overseas zones (+590 and +262 are shared, see below).
_ZONE_OF_COUNTRY_CODE = {
    594: "973",
    596: "972",
    # Mayotte's numbers before 2007 (and some records) carry the Comoros code.
    269: "976",
    508: "PM",
    687: "NC",
    689: "PF",
    681: "WF",
}
# Overseas numbers written in the national format (+33 0590…, 0694…), and the Alsace-Moselle
# landlines (03 87 Moselle, 03 88 Bas-Rhin, 03 89 Haut-Rhin).
_ZONE_OF_FRENCH_PREFIX = {
    "387": MOSELLE,
    "388": ALSACE,
    "389": ALSACE,
    "590": "971",
    "690": "971",
    "691": "971",
    "594": "973",
    "694": "973",
    "596": "972",
    "696": "972",
    "697": "972",
    "262": "974",
    "263": "974",
    "692": "974",
    "693": "974",
    "269": "976",
    "639": "976",
    "508": "PM",
}


@lru_cache(maxsize=256)
def _calendar(zone: str, year: int) -> frozenset[datetime.date]:
    subdiv = zone or None
    return frozenset(holidays.France(subdiv=subdiv, years=year))


def is_public_holiday(day: datetime.date, zone: str = METROPOLE) -> bool:
    """A public holiday in ``zone`` (national days plus the zone's own)."""
    return day in _calendar(zone, day.year)


def is_french_public_holiday(day: datetime.date) -> bool:
    """A national public holiday of metropolitan France."""
    return is_public_holiday(day, METROPOLE)


def timezone_of(zone: str) -> ZoneInfo:
    return ZoneInfo(_TIMEZONES.get(zone, _TIMEZONES[METROPOLE]))


# +590 is shared by Guadeloupe, Saint-Barthélemy and Saint-Martin; their landlines tell them
# apart (0590 27 Saint-Barthélemy; 0590 51, 52, 77, 87 Saint-Martin), mobiles do not: those
# ring in Guadeloupe's calendar, the three share one clock.
_ZONE_OF_590_LANDLINE = {"27": "BL", "51": "MF", "52": "MF", "77": "MF", "87": "MF"}


def _zone_of_590(national: str) -> str:
    if national.startswith("590"):
        return _ZONE_OF_590_LANDLINE.get(national[3:5], "971")
    return "971"


def zone_of_phone(value: str | None) -> str:
    """The zone a number rings in; metropolitan France when it says nothing else.

    Foreign and unreadable numbers fall back to metropolitan France (Paris time, the
    national holidays): the rule protects consumers reached from France.
    """
    if not value:
        return METROPOLE
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return METROPOLE
    national = str(number.national_number)
    if number.country_code == 33:
        return _ZONE_OF_FRENCH_PREFIX.get(national[:3], METROPOLE)
    if number.country_code == 590:
        return _zone_of_590(national)
    if number.country_code == 262:
        return "976" if national[:3] in ("269", "639") else "974"
    return _ZONE_OF_COUNTRY_CODE.get(number.country_code, METROPOLE)
