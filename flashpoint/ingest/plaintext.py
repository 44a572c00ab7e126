"""Plain-text articles as people paste them.

The conventions, all general rules rather than one outlet's phrases:

* the first non-empty line is the title (kept in the text, also put in metadata);
* credit lines near the top or at the bottom move to metadata: bylines
  ("By Jane Roe", "Author: ...", "Author's name ..."), editors ("Editor ...",
  "Edited by ..."), translators and reporters; separator lines (``*``, ``---``)
  around them go too;
* trailing calls to action (subscribe, follow, share, sign up, join our
  channel, download the app) are dropped; an outlet named in one ("Subscribe
  to The Daily Ledger on Telegram") becomes ``metadata.outlet`` when no outlet
  is known;
* a line near the top that is only a date ("Published: 3 March 2025") becomes
  ``metadata.published``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import parse_date

_NAME = r"[A-Z\u00C0-\u024F\u0400-\u04FF][\w.'\u2019-]*"
_NAMES = rf"{_NAME}(?:[ \t]+(?:{_NAME}|de|van|von|al|bin|da|del|la|le))*"
_NAME_LIST = re.compile(rf"^{_NAMES}(?:\s*(?:,|\band\b|&)\s*{_NAMES})*\.?$")

_AUTHOR_CUES = re.compile(
    r"^(?:by|written by|words by|reporting by|text by|story by|author(?:s)?(?:['`\u2019]s)?"
    r"(?:\s+names?)?|posted by)\s*[:\-\u2013\u2014]?\s*(?P<names>.+)$",
    re.IGNORECASE,
)
_EDITOR_CUES = re.compile(
    r"^(?:edited by|editing by|editor(?:s)?(?:['`\u2019]s)?(?:\s+names?)?|"
    r"translated by|translation by|translator|fact-checked by)\s*[:\-\u2013\u2014]?\s*"
    r"(?P<names>.+)$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^[\s*_=\-\u2013\u2014~#.\u2022]+$")
_CTA = re.compile(
    r"\b(?:subscribe|follow us|follow \S+(?: \S+){0,3} on|share (?:this|on|via)|sign up|"
    r"newsletter|join (?:us|our)|like us on|download (?:our|the) app|support our journalism|"
    r"donate|become a (?:member|patron)|read more on|all rights reserved|copyright)\b",
    re.IGNORECASE,
)
_PLATFORMS = re.compile(
    r"\s+(?:Telegram|Facebook|YouTube|Twitter|X|Instagram|TikTok|VK|RSS|WhatsApp|Google|"
    r"News|channel|newsletter|page|app)\b.*$"
)
_OUTLET_IN_CTA = re.compile(
    rf"\b(?i:subscribe to|follow|join|support)\s+(?P<name>(?:the\s+)?{_NAME}(?:\s+{_NAME})*)"
)
_DATE_LINE = re.compile(
    r"^(?:(?:published|posted|updated|date|dated)\s*(?:on)?\s*[:\-]?\s*)?(?P<date>.{6,40})$",
    re.IGNORECASE,
)
MAX_CREDIT_CHARS = 120
MAX_CTA_CHARS = 200
HEAD_LINES = 6


@dataclass(slots=True)
class ParsedText:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    outlet: str | None = None
    published: str | None = None


def split_names(names: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", names.strip().rstrip("."))
    return [p.strip() for p in parts if p.strip()]


def credit(line: str) -> tuple[str, list[str]] | None:
    """``("authors"|"editors", names)`` if ``line`` is a credit line, else ``None``."""
    line = line.strip()
    if len(line) > MAX_CREDIT_CHARS:
        return None
    for role, pattern in (("editors", _EDITOR_CUES), ("authors", _AUTHOR_CUES)):
        m = pattern.match(line)
        if m and _NAME_LIST.match(m.group("names").strip()):
            return role, split_names(m.group("names"))
    return None


def is_call_to_action(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= MAX_CTA_CHARS and bool(_CTA.search(stripped))


def outlet_from_cta(line: str) -> str | None:
    m = _OUTLET_IN_CTA.search(line)
    if not m:
        return None
    name = _PLATFORMS.sub("", m.group("name")).strip()
    if name.lower().startswith("the ") and len(name.split()) == 1:
        return None
    return name or None


def parse(text: str) -> ParsedText:
    """Split a pasted article into text and metadata (see the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = ParsedText(text="")
    keep = [True] * len(lines)
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    if not nonempty:
        return out
    title_i = nonempty[0]
    out.title = lines[title_i].strip().lstrip("\ufeff").strip()
    _take_head(lines, nonempty[1 : 1 + HEAD_LINES], keep, out)
    _take_tail(lines, nonempty[1:], keep, out)
    body = "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
    out.text = re.sub(r"\n{3,}", "\n\n", body).strip()
    return out


def _take_head(lines: list[str], head: list[int], keep: list[bool], out: ParsedText) -> None:
    for i in head:
        found = credit(lines[i])
        if found:
            getattr(out, found[0]).extend(found[1])
            keep[i] = False
            continue
        m = _DATE_LINE.match(lines[i].strip())
        date = parse_date(m.group("date")) if m and out.published is None else None
        if date:
            out.published = date
            keep[i] = False
        elif not _SEPARATOR.match(lines[i]):
            break


def _take_tail(lines: list[str], body: list[int], keep: list[bool], out: ParsedText) -> None:
    found_credits: list[tuple[str, list[str]]] = []
    for i in reversed(body):
        line = lines[i]
        found = credit(line)
        if found:
            found_credits.insert(0, found)
        elif is_call_to_action(line):
            out.outlet = out.outlet or outlet_from_cta(line)
        elif not _SEPARATOR.match(line):
            break
        keep[i] = False
    for role, names in found_credits:
        getattr(out, role).extend(names)
