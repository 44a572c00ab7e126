"""Bytes to text: binary detection and encoding, with errors that name the input."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput, UndecodableInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = {9, 10, 12, 13, 27}


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True for data with NUL bytes or many control bytes (and no UTF-16/32 BOM)."""
    head = data[:sample]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _CONTROL_OK)
    return controls > max(8, len(head) // 100)


def decode(data: bytes, source: str, encoding: str | None = None, *, keep_bom: bool = False) -> str:
    """Decode ``data`` to text without translating newlines.

    UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read directly; an
    explicit ``encoding`` wins; otherwise a confident guess from
    charset-normalizer is used for legacy encodings. With ``keep_bom`` a UTF-8
    BOM stays in the text as U+FEFF, so offsets count it (``--verbatim``).
    """
    if not data.strip():
        raise EmptyInput(source, "the input is empty (no text to analyse)")
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise UndecodableInput(source, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise UndecodableInput(
                source, f"not valid {encoding} at byte {exc.start}: {exc.reason}"
            ) from None
    if looks_binary(data):
        raise BinaryInput(source, "looks like a binary file (NUL or control bytes), not text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-8":
                return data.decode("utf-8" if keep_bom else "utf-8-sig", errors="strict")
            return data.decode(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_error = exc
    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "ascii") and best.chaos < 0.2:
        return str(best)
    raise UndecodableInput(
        source,
        f"not valid UTF-8 at byte {first_error.start} ({first_error.reason}) and no other "
        "encoding fits; pass --encoding NAME if you know it",
    )
