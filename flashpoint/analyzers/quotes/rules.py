"""Lexicons and character-level rules for the ``quotes`` analyzer.

Two things live here, both independent of the parse:

* :func:`quotations` finds the stretches of text between quotation marks, for
  every common style (``"…"``, ``“…”``, ``«…»``, ``„…“``, ``‘…’``, ``''…''``),
  including quotes that run over several paragraphs (the convention of
  re-opening each paragraph without closing the previous one), and degrades
  gracefully on unbalanced marks (a quote never runs past its paragraph unless
  the next paragraph re-opens it, and never beyond :data:`MAX_QUOTE_CHARS`).
* word lists: vague sources by kind, and nouns that introduce an outlet or
  audience.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model import VagueKind

MAX_QUOTE_CHARS = 4000
"""Longest quotation accepted; longer runs are unbalanced marks, not quotes."""

_DOUBLE_OPEN = {"“": "”", "«": "»", "„": "“", "»": "«", "‟": "”"}
_SINGLE_OPEN = {"‘": "’", "‹": "›", "‚": "‘"}
_MARK = re.compile(r"''|``|[\"“”«»„‟‘’‹›‚']")
_PARA = re.compile(r"\n\s*\n|\n(?=\s*\S)")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _PARA.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _opens(text: str, i: int, mark: str) -> bool:
    """Whether the straight mark at ``i`` opens (left flank) rather than closes."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if before.isspace() or before in "([{—–-/:;,":
        return not after.isspace()
    return False


def _closes(text: str, i: int, mark: str) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if mark in ("'", "’") and _is_word(before) and _is_word(after):
        return False  # an apostrophe: don't, it’s
    if mark in ("'", "’") and before in "sS" and after.isspace():
        return False  # a plural possessive: the voters' choice (ambiguous; keep quotes whole)
    return not before.isspace()


def _kind(mark: str) -> str:
    if mark in ('"', "''", "``", "“", "”", "«", "»", "„", "‟"):
        return "double"
    return "single"


def _scan_paragraph(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """(open, close, closed) quotations in one paragraph; ``closed`` False if still open."""
    stack: list[tuple[int, str]] = []  # (position, expected closer or kind)
    for m in _MARK.finditer(text, start, end):
        mark, i = m.group(), m.start()
        if stack and _closer_matches(text, i, mark, stack[-1][1]):
            pos, _ = stack.pop()
            if not stack:
                yield pos, m.end(), True
            continue
        if mark in _DOUBLE_OPEN and (mark != "»" or _opens(text, i, mark)):
            if not stack or _kind(mark) != "double" or stack[-1][1] != "double":
                stack.append((i, _DOUBLE_OPEN[mark]))
        elif mark in _SINGLE_OPEN and _opens(text, i, mark):
            if stack:  # single quotes nest only inside doubles; top level too rare/ambiguous
                stack.append((i, _SINGLE_OPEN[mark]))
            else:
                stack.append((i, _SINGLE_OPEN[mark]))
        elif mark in ('"', "''", "``") and _opens(text, i, mark):
            stack.append((i, "double"))
        elif mark == "'" and _opens(text, i, mark):
            stack.append((i, "'"))
    if stack:
        yield stack[0][0], end, False


def _closer_matches(text: str, i: int, mark: str, expected: str) -> bool:
    if expected == "double":
        return mark in ('"', "''", "”", "“") and _closes(text, i, mark)
    if expected == "'":
        return mark in ("'", "’") and _closes(text, i, mark)
    if expected in ("’", "‘"):
        return mark == expected and _closes(text, i, mark)
    return mark == expected or (expected == "”" and mark == '"' and _closes(text, i, mark))


def quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations, marks included, outermost only, in text order."""
    found: list[tuple[int, int]] = []
    carry: int | None = None  # start of a quote left open at the end of the last paragraph
    for pstart, pend in _paragraphs(text):
        spans = list(_scan_paragraph(text, pstart, pend))
        if carry is not None:
            if spans and spans[0][0] == pstart:  # the paragraph re-opens: the quote goes on
                first = spans.pop(0)
                spans.insert(0, (carry, first[1], first[2]))
            else:
                found.append((carry, _last_paragraph_end(text, carry)))
            carry = None
        for s, e, closed in spans:
            if closed:
                found.append((s, e))
            elif e - s <= MAX_QUOTE_CHARS:
                carry = s
    if carry is not None:
        found.append((carry, _last_paragraph_end(text, carry)))
    return [(s, e) for s, e in found if 2 < e - s <= MAX_QUOTE_CHARS and _has_words(text, s, e)]


def _last_paragraph_end(text: str, start: int) -> int:
    """End of the paragraph holding ``start``'s last re-opened piece (trailing space trimmed)."""
    nl = text.find("\n", start)
    end = len(text) if nl < 0 else nl
    return len(text[:end].rstrip())


def _has_words(text: str, s: int, e: int) -> bool:
    return any(ch.isalpha() for ch in text[s:e])


# --- word lists --------------------------------------------------------------------


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_MEDIA = _words("""
    media press outlet outlets newspaper newspapers paper channel broadcaster tabloid tabloids
    report reports journalist journalists reporter reporters commentator commentators
    blogger bloggers pundit pundits
""")
_EXPERTS = _words("""
    expert experts analyst analysts observer observers scholar scholars specialist specialists
    economist economists researcher researchers scientist scientists academic academics
    critic critics
""")
_OFFICIALS = _words("""
    official officials authorities diplomat diplomats spokesman spokeswoman spokesperson
    representative representatives aide aides lawmaker lawmakers
""")
_ANONYMOUS = _words("source sources insider insiders witness witnesses someone people person")

VAGUE_HEADS: dict[str, VagueKind] = {
    **dict.fromkeys(_MEDIA, "media"),
    **dict.fromkeys(_EXPERTS, "experts"),
    **dict.fromkeys(_OFFICIALS, "officials"),
    **dict.fromkeys(_ANONYMOUS, "anonymous"),
}
"""Head nouns of vague sources, by kind; used only when the speaker names nobody."""

VAGUE_PLURAL_ONLY = frozenset({"people", "person", "someone"})

OUTLET_NOUNS = _words("""
    interview interviews comment comments remark remarks statement statements conversation
    speech address op-ed column article post tweet message letter briefing appearance
""")
"""Nouns whose ``to``/``with`` complement names the outlet or audience (``in comments to X``)."""

PRONOUNS_PLURAL = frozenset({"they", "them", "we"})

NOT_SPEAKERS = _words("""
    note editor editor's update updated photo photos related watch read correction credit
    video image images tags follow subscribe source sources see also more listen contact
    published posted date by warning
""")
"""Line-initial words before a colon that introduce no speaker (``Note: …``, ``Photo: …``)."""
