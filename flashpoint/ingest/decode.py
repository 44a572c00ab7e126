"""Bytes to text: binary detection and encoding, with errors that name the input.

The order of trust: an explicit ``encoding``; a byte-order mark whose encoding
decodes the data (a cp1252 file that merely starts with the bytes of a BOM is
not UTF-16); UTF-8; UTF-8 with replacement when the bytes are mostly valid UTF-8
(a :class:`~flashpoint.errors.ReplacedCharacters` warning says so); a confident
legacy-encoding guess only for data with no valid UTF-8 multi-byte sequence.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput, ReplacedCharacters, UndecodableInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = {9, 10, 12, 13, 27}
_BLANK = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]*")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, and the warning to report when some bytes had to be replaced."""

    text: str
    warning: ReplacedCharacters | None = None


def is_blank(text: str) -> bool:
    """True for text of only white space (any Unicode space), BOMs and zero-width characters."""
    return _BLANK.fullmatch(text) is not None


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True for data with NUL bytes or many control bytes (and no UTF-16/32 BOM)."""
    head = data[:sample]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _CONTROL_OK)
    return controls > max(8, len(head) // 100)


def decode(data: bytes, source: str, encoding: str | None = None, *,
           keep_bom: bool = False) -> Decoded:
    """Decode ``data`` to text without translating newlines (see the module docstring).

    With ``keep_bom`` a UTF-8 BOM stays in the text as U+FEFF, so offsets count
    it (``--verbatim``). Raises :class:`EmptyInput` for blank data,
    :class:`BinaryInput` and :class:`UndecodableInput`.
    """
    if not data.strip():
        raise EmptyInput(source, "the input is empty (no text to analyse)")
    if encoding:
        text = _decode_as(data, source, encoding)
    else:
        if looks_binary(data):
            raise BinaryInput(source, "looks like a binary file (NUL or control bytes), not text")
        by_bom = _by_bom(data, source, keep_bom)
        return _checked(by_bom or _without_bom(data, source, keep_bom), source)
    return _checked(Decoded(text), source)


def _checked(decoded: Decoded, source: str) -> Decoded:
    if is_blank(decoded.text):
        raise EmptyInput(source, "the input holds only white space (no text to analyse)")
    return decoded


def _decode_as(data: bytes, source: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise UndecodableInput(source, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise UndecodableInput(
            source, f"not valid {encoding} at byte {exc.start}: {exc.reason}"
        ) from None


def _by_bom(data: bytes, source: str, keep_bom: bool) -> Decoded | None:
    """The text if ``data`` starts with a BOM whose encoding (mostly) decodes it, else ``None``.

    UTF-16/32 that is valid but for a few code units (an odd length, a lone
    surrogate) is decoded with U+FFFD in their place, and a warning.
    """
    for bom, name in _BOMS:
        if not data.startswith(bom):
            continue
        if name == "utf-8":
            return None  # valid or not, UTF-8 is handled by _without_bom
        if name == "utf-16" and b"\x00" not in data[2:4096]:
            return None  # UTF-16 of any text with a space, digit or newline has NUL bytes
        try:
            return Decoded(data.decode(name))
        except UnicodeDecodeError as exc:
            return _mostly(data, name, exc, source)
    return None


def _mostly(data: bytes, name: str, exc: UnicodeDecodeError, source: str) -> Decoded | None:
    """``data`` decoded with replacement if at most a quarter of its characters are bad."""
    replaced = data.decode(name, errors="replace")
    bad = replaced.count(REPLACEMENT) - data.decode(name, errors="ignore").count(REPLACEMENT)
    if bad * 4 > len(replaced) - bad:
        return None
    return Decoded(replaced, ReplacedCharacters(
        source, f"starts with a {name.upper()} byte-order mark but holds {bad} invalid code "
                f"unit(s) (the first at byte {exc.start}: {exc.reason}), replaced with U+FFFD"))


def _without_bom(data: bytes, source: str, keep_bom: bool) -> Decoded:
    skipped = 0
    if not keep_bom and data.startswith(codecs.BOM_UTF8):
        skipped = len(codecs.BOM_UTF8)
        data = data[skipped:]
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        first_error = exc
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count(REPLACEMENT) - data.count(REPLACEMENT.encode("utf-8"))
    non_ascii = len(replaced) - len(replaced.encode("ascii", "ignore"))
    valid_multibyte = non_ascii - replaced.count(REPLACEMENT)
    if valid_multibyte > 0 and bad * 4 <= valid_multibyte:
        return Decoded(replaced, ReplacedCharacters(
            source, f"not valid UTF-8: {bad} invalid byte sequence(s), the first at byte "
                    f"{first_error.start + skipped}, replaced with U+FFFD (pass --encoding NAME "
                    "if the file is in another encoding)"))
    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii") and best.chaos < 0.2:
        return Decoded(str(best))
    raise UndecodableInput(
        source,
        f"not valid UTF-8 at byte {first_error.start + skipped} ({first_error.reason}) and no "
        "other encoding fits; pass --encoding NAME if you know it",
    )
