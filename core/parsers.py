"""The API's JSON parser: bounded in size and nesting, every refusal a 400 or 413.

The standard parser recurses once per nesting level: ``[[[[…]]]]`` a few thousand
deep raises RecursionError, a 500. No body we accept nests deeper than a handful of
levels, so the text is measured before it is parsed.
"""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_JSON_DEPTH = 32
# A string (escapes included), or one bracket: what the depth count needs to see.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def json_depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif piece in ("]", "}"):
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """JSON of at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes and ``MAX_JSON_DEPTH`` levels.

    Malformed, badly encoded or too deeply nested → 400 ``{"code": "parse_error"}``;
    too large → 413 ``{"code": "too_large"}`` (the Content-Length check in
    core.limits refuses most such bodies before they are read at all).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(_("JSON parse error: the body is not valid text.")) from None
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise ParseError(
                _("JSON parse error: nested more than %(depth)d levels deep.")
                % {"depth": MAX_JSON_DEPTH}
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
