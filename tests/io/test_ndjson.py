"""An NDJSON file read as spans gives exactly the records of reading it whole."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from certpreflight.io import (
    InputError,
    Span,
    ndjson_spans,
    read_ndjson,
    read_pieces,
    read_records,
    read_span,
)
from certpreflight.io.ndjson import plain_utf8
from certpreflight.reports.run import CheckOptions, run_chunks
from tests.conftest import examples

MAX = 40  # a small line limit, so that oversized lines are common

lines = st.one_of(
    st.sampled_from([b"{}", b"", b"  ", b"\r", b'{"id": "1"}', b"{broken", b"x" * (MAX + 1)]),
    st.binary(max_size=MAX * 3).map(lambda b: b.replace(b"\n", b"")),
)


def _by_spans(path: Path, span_bytes: int) -> list[object]:
    spans = list(ndjson_spans(path, max_line_bytes=MAX, span_bytes=span_bytes))
    assert all(type(s) is Span and s.max_line_bytes == MAX for s in spans)
    assert [s.start for s in spans[1:]] == [s.end for s in spans[:-1]]  # no byte left out
    assert not spans or (spans[0].start, spans[-1].end) == (0, path.stat().st_size)
    return [record for span in spans for record in read_span(span)]


@settings(max_examples=examples(200), deadline=None)
@given(
    body=st.lists(lines, max_size=30),
    newline_at_end=st.booleans(),
    bom=st.booleans(),
    span_bytes=st.integers(1, 200),
)
def test_spans_give_the_records_of_the_whole_file(
    tmp_path_factory: pytest.TempPathFactory,
    body: list[bytes],
    newline_at_end: bool,
    bom: bool,
    span_bytes: int,
) -> None:
    """Blank, broken and oversized lines, a BOM, a last line without newline: same records.

    Spans are only cut from UTF-8 files with \\n line ends (read_pieces reads the others,
    UTF-16 or bare-CR ones, as records).
    """
    path = tmp_path_factory.mktemp("spans") / "c.ndjson"
    data = b"\n".join(body) + (b"\n" if newline_at_end and body else b"")
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    assume(plain_utf8(path))
    assert _by_spans(path, span_bytes) == list(read_ndjson(path, max_line_bytes=MAX))


def test_a_line_longer_than_a_span_is_one_record(tmp_path: Path) -> None:
    """A line over many blocks is read within its span, in bounded pieces, and reported."""
    path = tmp_path / "long.ndjson"
    path.write_bytes(b"{}\n" + b"x" * 1000 + b"\n\n{}\n")
    records = _by_spans(path, 64)
    assert [r.source for r in records] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert records[1][1].code == 4010  # record-too-large
    assert records == list(read_ndjson(path, max_line_bytes=MAX))


def test_a_byte_order_mark_does_not_count_toward_the_first_line(tmp_path: Path) -> None:
    """A long first line after a BOM is one oversized record (it used to be read as two)."""
    path = tmp_path / "bom.ndjson"
    path.write_bytes(codecs.BOM_UTF8 + b"x" * (MAX + 1) + b"\n{}")
    records = list(read_ndjson(path, max_line_bytes=MAX))
    assert [r.source for r in records] == [f"{path}:1", f"{path}:2"]
    assert records[0].payload.code == 4010
    assert records[1].payload == b"{}"
    assert [(r.start, r.end) for r in records] == [(3, MAX + 5), (MAX + 5, MAX + 7)]  # its bytes
    path.write_bytes(codecs.BOM_UTF8 + b"x" * MAX + b"\n")
    line = (f"{path}:1", b"x" * MAX + b"\n", 3, MAX + 4)
    assert list(read_ndjson(path, max_line_bytes=MAX)) == [line]


def test_read_pieces_gives_spans_for_ndjson_only(tmp_path: Path) -> None:
    """NDJSON comes as spans; other files as the records read_records gives."""
    ndjson = tmp_path / "a.jsonl"
    ndjson.write_bytes(b'{"id": "1"}\n' * 3)
    assert [type(p) for p in read_pieces(ndjson)] == [Span]
    document = tmp_path / "a.json"
    document.write_text('[{"id": "1"}, {"id": "2"}]')
    assert list(read_pieces(document)) == list(read_records(document))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_span_whose_file_is_gone_is_an_input_error(tmp_path: Path, jobs: int) -> None:
    """A file removed after it was cut into spans: InputError naming it (the CLI exits 2)."""
    path = tmp_path / "gone.ndjson"
    path.write_bytes(b"{}\n" * 10)
    spans = list(ndjson_spans(path))
    path.unlink()
    with pytest.raises(InputError, match=r"can't read .*gone\.ndjson"):
        list(run_chunks(spans, CheckOptions(), jobs=jobs))
