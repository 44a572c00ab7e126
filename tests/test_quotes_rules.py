"""Quotation-mark detection and the PolNeAR reader and metrics (no spaCy model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint import errors
from flashpoint.analyzers.quotes.rules import quotations
from flashpoint.evaluation import quotes as ev
from flashpoint.model import Quote, Span, Speaker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we will win," and left.', ['"we will win,"']),
        ("“Not now,” she said. “Maybe later.”", ["“Not now,”", "“Maybe later.”"]),
        ("«Jamais», a dit le ministre.", ["«Jamais»"]),
        ("Er sagte: „Wir bleiben hier.“", ["„Wir bleiben hier.“"]),
        ("She called it ‘a shameful deal’ on Monday.", ["‘a shameful deal’"]),
        ("Mr. Ortiz said ''we are ready,'' then left.", ["''we are ready,''"]),
        ("It's the voters' choice, and Seoul's too.", []),  # apostrophes only
        ("“With ‘an inner quote’ inside,” he said.", ["“With ‘an inner quote’ inside,”"]),
        ('Unbalanced " mark here.\n\nNext paragraph.', []),
        ("", []),
    ],
)
def test_quotes_quotation_marks(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in quotations(text)] == expected


def test_quotes_quotation_continues_over_reopened_paragraph() -> None:
    text = '"The first paragraph goes on.\n\n"The second one closes," she said.'
    assert [text[s:e] for s, e in quotations(text)] == [
        '"The first paragraph goes on.\n\n"The second one closes,"'
    ]


def test_quotes_unclosed_quotation_stops_at_paragraph_end() -> None:
    text = 'He said: "this never closes\n\nA new paragraph without marks.'
    spans = quotations(text)
    assert [text[s:e] for s, e in spans] == ['"this never closes']


ANN = "\n".join([
    "T1\tSource 0 5\tAlice",
    "T2\tCue 6 10\tsaid",
    "T3\tContent 11 20;25 30\tsomething other",
    "T4\tAttribution 6 10\tsaid",
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    "T5\tCue 40 44\tsaid",
    "T6\tContent 45 50\tstuff",
    "T7\tAttribution-no-source 40 44\tsaid",
    "E2\tAttribution-no-source:T7 Content:T6 Cue:T5",
    "T8\tDiscard 0 3\tAli",
])


def test_quotes_parse_ann_reads_discontinuous_spans_and_missing_sources() -> None:
    rels = ev.parse_ann(ANN, 60)
    assert rels == [
        ev.GoldAttribution(((11, 20), (25, 30)), ((6, 10),), ((0, 5),)),
        ev.GoldAttribution(((45, 50),), ((40, 44),), ()),
    ]


def test_quotes_read_polnear_picks_first_annotation_file(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Alice said something nice and other things, Bob said stuff today."
    (tmp_path / "text" / "art_one.txt").write_text(text)
    (tmp_path / "attributions" / "art_one_aaaa.ann").write_text("T1\tContent 11 20\tsomething\n"
                                                                "E1\tContent:T1\n")
    (tmp_path / "attributions" / "art_one_bbbb.ann").write_text("")
    arts = ev.read_polnear(tmp_path)
    assert [a.slug for a in arts] == ["art_one"]
    assert arts[0].attributions[0].content == ((11, 20),)


def _quote(text: str, start: int, end: int, speaker: tuple[int, int] | None = None) -> Quote:
    sp = Speaker(text=Span.of(text, *speaker)) if speaker else Speaker()
    return Quote(id="q", kind="indirect", content=Span.of(text, start, end), speaker=sp)


def test_quotes_metrics_exact_ignores_edge_punctuation_and_overlap_pairs_one_to_one() -> None:
    text = 'Alice said "the vote failed." Bob said it passed.'
    gold = [ev.GoldAttribution(((11, 29),), ((6, 10),), ((0, 5),)),
            ev.GoldAttribution(((39, 48),), ((34, 38),), ((30, 33),))]
    preds = [_quote(text, 12, 27, speaker=(0, 5)),  # no quote marks: still exact
             _quote(text, 42, 48, speaker=(0, 5))]  # overlaps gold 2, wrong speaker
    counts = ev.Counts()
    counts.add(text, preds, gold)
    m = counts.metrics()
    assert m["content_exact_precision"] == 0.5
    assert m["content_overlap_f1"] == 1.0
    assert m["source_precision"] == 0.5


def test_quotes_source_right_by_name() -> None:
    text = "Mr. Obama arrived. He said it was over."
    gold = ev.GoldAttribution(((27, 38),), ((22, 26),), ((19, 21),))
    q = Quote(id="q", kind="indirect", content=Span.of(text, 27, 38),
              speaker=Speaker(name="Barack Obama"))
    assert ev.source_right(text, q, gold) is False  # "Obama" is not in the gold span "He"
    gold2 = ev.GoldAttribution(((27, 38),), ((22, 26),), ((0, 9),))
    assert ev.source_right(text, q, gold2) is True


@pytest.mark.model
def test_quotes_run_scores_a_polnear_directory(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Peruvian officials said the mine would reopen next week."
    start = text.index("the mine")
    (tmp_path / "text" / "peru.txt").write_text(text)
    (tmp_path / "attributions" / "peru_abcd.ann").write_text(
        f"T1\tSource 0 18\tPeruvian officials\nT2\tCue 19 23\tsaid\n"
        f"T3\tContent {start} {len(text) - 1}\t{text[start:-1]}\n"
        "E1\tContent:T3 Cue:T2 Source:T1\n"
    )
    result = ev.run(tmp_path, pipeline=False)
    assert result["articles"] == 1
    assert result["metrics"]["content_exact_f1"] == 1.0
    assert result["metrics"]["source_f1"] == 1.0


def test_quotes_run_raises_dataset_missing(tmp_path: Path) -> None:
    with pytest.raises(errors.DatasetMissing):
        ev.run(tmp_path / "absent")
