"""What a text says: the word lists of RULES 16, 17 and 25, matched on the text.

Pure functions over a string and the configured lists; the gate turns what they
find into reasons (``consent.gate``), library approval runs the same check
(``content.services``) and the prospect services flag notes that hold special
categories of data (RULES 25).

Texts and terms go through the same ``normalise`` before matching, so a list
entry written "garanti" catches "GARANTI", "garantí", a decomposed "e\\u0301",
a word split by a soft hyphen, and "100 %" whatever space (none, ordinary,
non-breaking, narrow no-break) stands before the sign. Each word of a term also
matches its regular inflections (``_SUFFIXES``): "garanti" catches "garantie",
"garantis" and "garanties", "guarantee" catches "guaranteed". Irregular forms
(nul → nulle) are listed as terms of their own.

Exceptions (``CONTENT_*_EXCEPTIONS``) are phrases taken out of the text before
a list is matched: "garantie légale" (the legal guarantee the law makes us
mention) is not a misleading promise, "nos frais sont nuls" (our fees are nil)
disparages nobody, and "le risque zéro n'existe pas" is the honest opposite of
a "zéro risque" promise. "risque zéro de …" stays misleading: it promises the
same absolute as "zéro risque".
"""

import re
import unicodedata
from functools import lru_cache

from django.conf import settings

# Regular French and English inflections a term's word may carry: garanti → garantie(s),
# garantis; escroc → escrocs; guarantee → guaranteed, guarantees; scammer → scammers.
_SUFFIXES = r"(?:e|s|es|x|d|ed|ing)?"

# Characters that NFKC leaves alone but that write the same thing as their plain form.
_BEFORE_NFKC = str.maketrans(
    {
        "\u00ba": "°",  # masculine ordinal (nº) → degree sign, as in n°
        "\u2116": "n°",  # numero sign №
        "\u0153": "oe",  # œ
        "\u0152": "oe",
        "\u00e6": "ae",  # æ
        "\u00c6": "ae",
    }
)
# Typographic apostrophes and quotes → ', dashes and hyphens → a space ("risk-free",
# "risk free" and "risk‑free" with a non-breaking hyphen are one term).
_AFTER_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u2212": " ",
    }
)
_SPACES = re.compile(r"\s+")
# "N°1", "n° 1", "No. 1" → "numero 1" (after accents are gone, "numéro" is "numero" too).
_NUMBER_SIGN = re.compile(r"(?<!\w)(?:n ?°|no\.) ?(?=\d)")
# "100%", "100 %" (any space) → "100 %".
_PERCENT = re.compile(r"(\d) ?%")


def normalise(text: str) -> str:
    """The text as the lists are matched: compatibility forms, case and accents folded.

    Invisible format characters (soft hyphen, zero-width space, word joiner) are
    removed, every run of spaces (NFKC turns U+00A0 and U+202F into plain spaces)
    becomes one space.
    """
    text = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC)).casefold()
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in ("Mn", "Cf")
    )
    text = _SPACES.sub(" ", text.translate(_AFTER_FOLD)).strip()
    text = _NUMBER_SIGN.sub("numero ", text)
    return _PERCENT.sub(r"\1 %", text)


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One regular expression for a list: any term, whole words, each word in its forms."""
    alternatives = []
    for term in terms:
        words = normalise(term).split(" ")
        if not words or words == [""]:
            continue
        parts = [re.escape(word) + (_SUFFIXES if word[-1:].isalpha() else "") for word in words]
        alternatives.append(" ".join(parts))
    if not alternatives:
        return None
    # Longest first: "garantie legale" is tried before "garantie".
    alternatives.sort(key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def _terms(setting_name: str) -> tuple[str, ...]:
    return tuple(getattr(settings, setting_name, ()))


def _contains(text: str, terms: tuple[str, ...]) -> bool:
    pattern = _pattern(terms)
    return pattern is not None and pattern.search(text) is not None


def _without(text: str, exceptions: tuple[str, ...]) -> str:
    """The text with the exception phrases cut out (a bar, so no term spans the cut)."""
    pattern = _pattern(exceptions)
    return text if pattern is None else pattern.sub(" | ", text)


def has_opt_out(content: str) -> bool:
    """The text offers a way to object (RULES 16)."""
    return _contains(normalise(content), _terms("CONTENT_OPT_OUT_TERMS"))


def flagged(content: str) -> list[str]:
    """The content codes of RULES 17 the text raises, in a fixed order.

    Comparative needs a configured competitor's name; disparaging needs a competitor,
    named or not ("nos concurrents", "our competitors").
    """
    text = normalise(content)
    names_competitor = _contains(text, _terms("CONTENT_COMPETITORS"))
    refers_to_competitor = names_competitor or _contains(
        text, _terms("CONTENT_COMPETITOR_REFERENCES")
    )
    codes = []
    misleading = _without(text, _terms("CONTENT_MISLEADING_EXCEPTIONS"))
    if _contains(misleading, _terms("CONTENT_MISLEADING_TERMS")):
        codes.append("content_misleading")
    if names_competitor and _contains(text, _terms("CONTENT_COMPARATIVE_TERMS")):
        codes.append("content_comparative")
    if _contains(text, _terms("CONTENT_AGGRESSIVE_TERMS")):
        codes.append("content_aggressive")
    disparaging = _without(text, _terms("CONTENT_DISPARAGING_EXCEPTIONS"))
    if refers_to_competitor and _contains(disparaging, _terms("CONTENT_DISPARAGING_TERMS")):
        codes.append("content_disparaging")
    return codes


def special_categories(notes: str) -> list[str]:
    """The special categories of data (GDPR art. 9–10) free-text notes seem to hold (RULES 25).

    Category keys of ``NOTES_SPECIAL_CATEGORY_TERMS``, in its order; a warning for the
    rep, never a refusal: the words may be innocent ("offre santé"), the rep decides.
    """
    if not notes or not notes.strip():
        return []
    text = _without(normalise(notes), _terms("NOTES_SPECIAL_CATEGORY_EXCEPTIONS"))
    return [
        category
        for category, terms in settings.NOTES_SPECIAL_CATEGORY_TERMS.items()
        if _contains(text, tuple(terms))
    ]
