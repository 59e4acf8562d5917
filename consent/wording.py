"""What a message says: the word lists of RULES 16–17, matched on the text.

Pure functions over a string and the configured lists; the gate turns what they
find into reasons (``consent.gate``). Library approval runs the same check.
"""

import re

from django.conf import settings


def _terms(setting_name: str) -> list[str]:
    return [t.lower() for t in getattr(settings, setting_name)]


def _contains(text: str, terms: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) for term in terms)


def has_opt_out(content: str) -> bool:
    """The text offers a way to object (RULES 16)."""
    return _contains(content.lower(), _terms("CONTENT_OPT_OUT_TERMS"))


def flagged(content: str) -> list[str]:
    """The content codes of RULES 17 the text raises, in a fixed order."""
    text = content.lower()
    names_competitor = _contains(text, _terms("CONTENT_COMPETITORS"))
    codes = []
    if _contains(text, _terms("CONTENT_MISLEADING_TERMS")):
        codes.append("content_misleading")
    if names_competitor and _contains(text, _terms("CONTENT_COMPARATIVE_TERMS")):
        codes.append("content_comparative")
    if _contains(text, _terms("CONTENT_AGGRESSIVE_TERMS")):
        codes.append("content_aggressive")
    if names_competitor and _contains(text, _terms("CONTENT_DISPARAGING_TERMS")):
        codes.append("content_disparaging")
    return codes
