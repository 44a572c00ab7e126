"""Faster equivalents of the two rule components of ``en_core_web_sm``: same annotations.

After the statistical components, ``en_core_web_sm`` runs two rule components that cost
as much as its parser: ``attribute_ruler`` (179 token patterns that set part of speech,
morphology and some lemmas from the tags; spaCy's :class:`~spacy.matcher.Matcher` tries
every pattern at every token, and the ruler then makes a :class:`~spacy.tokens.Span` for
each of about 1.4 matches per token) and ``lemmatizer`` (a Python loop over tokens). On
850-word news articles they took 20 and 12-16 ms of bare spaCy's 196 ms. :func:`install`
puts these in their place, under the same names:

* :class:`IndexedAttributeRuler`: a token pattern is a predicate over a few token
  attributes (``TAG``, ``LOWER``, ``DEP``...), so which patterns a token matches depends
  only on those attributes' values: it is worked out once per distinct tuple of values
  and remembered. Patterns of several tokens (fixed length) are checked from the same
  per-token results; a pattern using anything else (operators, other predicates or
  attributes) goes to a spaCy ``Matcher`` of its own. Matches are applied to each token
  in the ruler's order (by pattern number), as spaCy does.
* :class:`MemoLemmatizer`: the rule lemmatizer's result is a function of the token's
  ``ORTH``, ``POS`` and ``MORPH`` (the key of spaCy's own cache), so each key is
  lemmatised once (by spaCy's lemmatizer) and the lemmas are written with one
  :meth:`~spacy.tokens.Doc.from_array`.

Both keep the original component and hand it anything they do not cover; both memos are
bounded. tests/test_nlp_rules.py compares every token's annotations with spaCy's own
components.
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    IS_ALPHA,
    IS_DIGIT,
    IS_PUNCT,
    IS_SPACE,
    LEMMA,
    LOWER,
    MORPH,
    NORM,
    ORTH,
    POS,
    SHAPE,
    TAG,
)
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

STRING_ATTRS = {"ORTH": ORTH, "LOWER": LOWER, "NORM": NORM, "TAG": TAG, "DEP": DEP,
                "LEMMA": LEMMA, "SHAPE": SHAPE}
"""Pattern attributes whose token values are string hashes (as the Matcher compares them)."""
FLAG_ATTRS = {"IS_SPACE": IS_SPACE, "IS_PUNCT": IS_PUNCT, "IS_ALPHA": IS_ALPHA,
              "IS_DIGIT": IS_DIGIT}
"""Boolean pattern attributes (the Matcher compares them as 0/1)."""
MEMO_SIZE = 200_000
"""Entries a memo keeps before it starts again (each a few hundred bytes)."""
_MERGEABLE = frozenset({POS, MORPH, LEMMA, TAG})
"""Token fields that set_token_attrs writes independently: consecutive writes merge."""

_Row = tuple[tuple[int, ...], frozenset[int], tuple[int, ...]]
Test = tuple[str, "frozenset[int] | re.Pattern[str]"]
"""One attribute's test: ``("in", keys)``, ``("not_in", keys)`` or ``("regex", pattern)``."""


def install(nlp: Language) -> None:
    """Put the faster equivalents in place of ``attribute_ruler`` and ``lemmatizer``
    (same names and positions), where those are the components they cover."""
    for name, factory, kind in (("attribute_ruler", "flashpoint_attribute_ruler", AttributeRuler),
                                ("lemmatizer", "flashpoint_lemmatizer", Lemmatizer)):
        if name in nlp.pipe_names and isinstance(nlp.get_pipe(name), kind):
            nlp.add_pipe(factory, name=f"{name}~", before=name, config={"wrapped": name})
            nlp.remove_pipe(name)
            nlp.rename_pipe(f"{name}~", name)


@Language.factory("flashpoint_attribute_ruler")
def _make_ruler(nlp: Language, name: str, wrapped: str) -> IndexedAttributeRuler:
    ruler = nlp.get_pipe(wrapped)
    assert isinstance(ruler, AttributeRuler)
    return IndexedAttributeRuler(ruler)


@Language.factory("flashpoint_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str, wrapped: str) -> MemoLemmatizer:
    lemmatizer = nlp.get_pipe(wrapped)
    assert isinstance(lemmatizer, Lemmatizer)
    return MemoLemmatizer(lemmatizer)


def _test(value: Any, strings: StringStore, flag: bool) -> Test | None:
    """The Matcher's test of one attribute's value (``("in", keys)``, ``("not_in", keys)`` or
    ``("regex", pattern)``), or None where it is not covered here."""
    def key(v: Any) -> int | None:
        if flag:
            return int(v) if isinstance(v, bool) else None
        return int(strings.add(v)) if isinstance(v, str) else None

    if not isinstance(value, dict):
        k = key(value)
        return None if k is None else ("in", frozenset({k}))
    if len(value) != 1:
        return None
    ((op, arg),) = value.items()
    if op in ("IN", "NOT_IN") and isinstance(arg, list):
        keys = {key(v) for v in arg}
        if None in keys:
            return None
        return (op.lower(), frozenset(k for k in keys if k is not None))
    if op == "REGEX" and isinstance(arg, str) and not flag:
        return ("regex", re.compile(arg))
    return None


def _passes(value: int, test: Test, strings: StringStore) -> bool:
    kind, arg = test
    if kind == "in":
        return value in arg  # type: ignore[operator]
    if kind == "not_in":
        return value not in arg  # type: ignore[operator]
    return arg.search(strings[value]) is not None  # type: ignore[union-attr]


class IndexedAttributeRuler:
    """``attribute_ruler`` with its patterns indexed by token attribute values (see the
    module docstring); the annotations equal the wrapped :class:`AttributeRuler`'s."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        patterns: list[dict[str, Any]] = ruler.patterns
        entries = [(i, p) for i, e in enumerate(patterns) for p in e["patterns"]]
        used = sorted({k for _, p in entries for spec in p for k in spec
                       if k in STRING_ATTRS or k in FLAG_ATTRS})
        self._names = tuple(used)
        self._columns = [STRING_ATTRS.get(n) or FLAG_ATTRS[n] for n in used]
        self._count = 0  # specs numbered so far
        self._tables: dict[tuple[int, ...], dict[tuple[int, ...], list[int]]] = {}
        self._scan: list[tuple[int, list[tuple[int, Test]]]] = []
        self._single: dict[int, list[int]] = {}  # spec -> pattern numbers (one-token patterns)
        self._multi: list[tuple[int, tuple[int, ...]]] = []  # (pattern number, specs)
        self._fallback = Matcher(ruler.vocab, validate=False)
        for i, pattern in entries:
            specs = [self._spec(s, strings) for s in pattern]
            if not pattern or any(s is None for s in specs):
                self._fallback.add(str(i), [pattern])
            elif len(pattern) == 1 and ruler.indices[i] in (0, -1):
                self._single.setdefault(specs[0], []).append(i)  # type: ignore[arg-type]
            else:  # longer, or an index outside a one-token match (spaCy raises for it)
                self._multi.append((i, tuple(specs)))  # type: ignore[arg-type]
        self._in_multi = frozenset(spec for _, specs in self._multi for spec in specs)
        self._memo: dict[tuple[int, ...], _Row] = {}
        self._plans: dict[tuple[int, ...], tuple[dict[int, Any], ...]] = {}

    def _spec(self, spec: dict[str, Any], strings: StringStore) -> int | None:
        """The number of a token spec covered here (tests on the row's columns), or None.

        A spec of equality and ``IN`` tests only is indexed (a table from the values of
        its columns); the others (``NOT_IN``, ``REGEX``) are evaluated on each new row.
        """
        tests: list[tuple[int, Test]] = []
        for attr, value in spec.items():
            if attr not in self._names:
                return None
            test = _test(value, strings, attr in FLAG_ATTRS)
            if test is None:
                return None
            tests.append((self._names.index(attr), test))
        if not tests:
            return None
        number = self._count
        self._count += 1
        if all(kind == "in" for _, (kind, _) in tests):
            tests.sort(key=lambda t: t[0])
            table = self._tables.setdefault(tuple(c for c, _ in tests), {})
            for combo in product(*(sorted(keys) for _, (_, keys) in tests)):  # type: ignore[arg-type]
                table.setdefault(combo, []).append(number)
        else:
            self._scan.append((number, tests))
        return number

    def _row(self, row: tuple[int, ...]) -> _Row:
        """The one-token patterns a token with these values matches, the specs it
        satisfies, and the longer patterns whose first spec it satisfies (remembered)."""
        hit = self._memo.get(row)
        if hit is None:
            met: set[int] = set()
            for cols, table in self._tables.items():
                met.update(table.get(tuple(row[c] for c in cols), ()))
            strings = self.ruler.vocab.strings
            met.update(number for number, tests in self._scan
                       if all(_passes(row[c], test, strings) for c, test in tests))
            single = tuple(sorted({i for s in met for i in self._single.get(s, ())}))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            starts = tuple(k for k, (_, specs) in enumerate(self._multi) if specs[0] in met)
            hit = self._memo[row] = (single, frozenset(met & self._in_multi), starts)
        return hit

    def __call__(self, doc: Doc) -> Doc:
        r = self.ruler
        n = len(doc)
        if not n:
            return doc
        values = np.asarray(doc.to_array(self._columns)).reshape(n, -1).tolist()
        rows = [self._row(tuple(v)) for v in values]
        extra: dict[int, list[int]] = {}
        for start, (_, _, starts) in enumerate(rows):
            for k in starts:  # longer patterns whose first token matches here
                i, specs = self._multi[k]
                end = start + len(specs)
                matched = end <= n and all(
                    spec in rows[t][1]
                    for t, spec in zip(range(start + 1, end), specs[1:], strict=True))
                if matched and not self._add(extra, i, start, end):
                    return r(doc)  # an index outside the match: spaCy raises its error
        if len(self._fallback):
            strings = r.vocab.strings
            for m_id, start, end in self._fallback(doc, allow_missing=True, as_spans=False):
                if not self._add(extra, int(strings[m_id]), start, end):
                    return r(doc)
        for t, (single, _, _) in enumerate(rows):
            ids = single if t not in extra else tuple(sorted({*single, *extra[t]}))
            if ids:
                token = doc[t]
                for attrs in self._plan(ids):
                    set_token_attrs(token, attrs)
        return doc

    def _add(self, extra: dict[int, list[int]], i: int, start: int, end: int) -> bool:
        """Record pattern ``i`` matched at ``start:end`` for the token its index names."""
        index = self.ruler.indices[i]
        t = start + index if index >= 0 else end + index
        if not start <= t < end:
            return False
        extra.setdefault(t, []).append(i)
        return True

    def _plan(self, ids: tuple[int, ...]) -> tuple[dict[int, Any], ...]:
        """The attribute writes of patterns ``ids`` in order, adjacent independent ones
        merged into one (remembered)."""
        plan = self._plans.get(ids)
        if plan is None:
            out: list[dict[int, Any]] = []
            for i in ids:
                attrs: dict[int, Any] = self.ruler.attrs[i]
                if out and set(attrs) <= _MERGEABLE and set(out[-1]) <= _MERGEABLE:
                    out[-1] = {**out[-1], **attrs}
                else:
                    out.append(dict(attrs))
            plan = self._plans[ids] = tuple(out)
        return plan


class _MemberList(list[str]):
    """A list of words whose ``in`` is a set look-up (the rule lemmatizer asks whether
    each candidate form is a known word: a scan of thousands of words)."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(words)
        self._members = frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._members


class MemoLemmatizer:
    """The rule ``lemmatizer`` with its results remembered per (ORTH, POS, MORPH), written
    in one array; the lemmas equal the wrapped :class:`Lemmatizer`'s."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self._memo: dict[tuple[int, int, int], int] = {}
        index = lemmatizer.lookups.get_table("lemma_index", None)
        for pos, words in list((index or {}).items()):
            if isinstance(words, list):  # ``form in words`` scanned the list for every form
                index[pos] = _MemberList(words)

    def __call__(self, doc: Doc) -> Doc:
        lem = self.lemmatizer
        if lem.overwrite or lem.mode != "rule" or not len(doc) or not lem._validated:
            return lem(doc)  # (its first call validates the lookup tables)
        cols = np.asarray(doc.to_array([ORTH, POS, MORPH, LEMMA])).reshape(len(doc), 4)
        lemmas = cols[:, 3].copy()
        strings = doc.vocab.strings
        memo = self._memo
        todo = np.flatnonzero(lemmas == 0)
        for t, (orth, pos, morph) in zip(todo.tolist(), cols[todo, :3].tolist(), strict=True):
            key = (orth, pos, morph)
            h = memo.get(key)
            if h is None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                h = memo[key] = int(strings.add(lem.lemmatize(doc[t])[0]))
            lemmas[t] = h
        if len(todo):
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))  # type: ignore[arg-type]
        return doc


__all__ = ["IndexedAttributeRuler", "MemoLemmatizer", "install"]
