"""Text from the archive, the configuration or the command line made inert for a terminal.

An archived page may carry escape sequences that set the terminal's title, clear the screen,
plant OSC 8 links or write the clipboard (OSC 52), and bidi overrides that show text in another
order than it is stored. :func:`inert` replaces each such character by a visible one of the
same length, so the spans of figures and platforms still fall on the same characters;
:data:`console` and :data:`errors` read every string as plain text (no rich markup, no emoji
codes) and pass it through :func:`inert`, and :func:`plain` does the same for a :class:`Text`.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a CSI, 0x9d an OSC on their own),
# and the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␇ for BEL: one visible character for one
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def inert(text: str) -> str:
    """``text`` with every terminal control replaced by a visible character, length kept.

    Newline and tab stay; ESC becomes ␛ (so no sequence can start), other C0 controls their
    control picture, DEL ␡, C1 controls and bidi overrides U+FFFD. Idempotent.
    """
    return _UNSAFE.sub(_picture, text)


def plain(text: str, style: str = "") -> Text:
    """``text`` as a rich :class:`Text`: printed as written (never markup), made inert."""
    return Text(inert(text), style=style)


def inert_json(document: str) -> str:
    """JSON text with the C1 controls and bidi overrides ``json.dumps(ensure_ascii=False)``
    leaves raw written as ``\\uXXXX`` escapes: the same JSON value, inert on a terminal (the
    C0 controls ``json.dumps`` always escapes)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


class InertConsole(Console):
    """A console for regwatch's output: every string is plain text, made :func:`inert`.

    Rich renders each string it is given (``print`` arguments, table cells, titles) through
    ``render_str``; markup and emoji codes are off, so ``[sources]`` or ``:x:`` in a path or
    a title print as they are. Styled text is built as :class:`Text` (:func:`plain`).
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **options)

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(inert(text), **options)


console = InertConsole()
errors = InertConsole(stderr=True)
