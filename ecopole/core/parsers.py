"""The API's JSON parser: bounded nesting, translated error messages.

Python's `json` module parses arrays and objects recursively: a 2 KB body of 1,000 nested `[` raised
`RecursionError`, a 500 on every JSON endpoint before authentication. The depth is measured first, without
recursion and in linear time (strings removed by one regular expression, then a running sum over the brackets
left), and a body nested deeper than `JSON_MAX_DEPTH` is refused with 400 `parse_error` before `json` sees it.
The body's size is bounded before this by `DATA_UPLOAD_MAX_MEMORY_SIZE` (413).
"""

from __future__ import annotations

import codecs
import json
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

# A JSON string: quote, then runs of plain characters or escapes, then quote. Possessive: no backtracking.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _depths(raw: bytes):
    """The running nesting level after each bracket of `raw`, brackets inside strings left out."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return accumulate(map(_DELTA.__getitem__, brackets))


def json_depth(raw: bytes) -> int:
    """Deepest nesting of arrays and objects in `raw` (0 for a scalar). Linear, no recursion.

    On invalid JSON the figure may be wrong, but such a body is refused by the parser anyway.
    """
    return max(0, max(_depths(raw), default=0))


def json_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether `raw` nests deeper than `limit`; stops at the first level past it (a hostile `[[[[…` is refused
    after a few bytes). 1 MB of shallow brackets takes about 0.1 s."""
    return any(depth > limit for depth in _depths(raw))


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with a depth limit and messages in the request's language (French by default)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        raw = stream.read() if stream is not None else b""
        max_depth = settings.JSON_MAX_DEPTH
        if raw.count(b"[") + raw.count(b"{") > max_depth and json_deeper_than(raw, max_depth):
            raise ParseError(_("The JSON body is nested deeper than {max_depth} levels.").format(max_depth=max_depth))
        try:
            text = codecs.decode(raw, encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The body is not valid text in {encoding}.").format(encoding=encoding)) from exc
        parse_constant = _strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The body is not valid JSON (line {line}, column {column}).").format(
                    line=exc.lineno, column=exc.colno
                )
            ) from exc
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("The body is not valid JSON.")) from exc


def _strict_constant(value):
    raise ValueError(f"{value} is not valid JSON")
