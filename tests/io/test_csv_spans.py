"""A CSV file read as spans gives exactly the records of reading it whole."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpreflight.io import Span, csv_spans, read_csv, read_pieces, read_records, read_span
from certpreflight.io.csvfile import record_rows
from tests.conftest import examples

MAX = 60  # a small line limit, so that oversized lines are common
HEADER = b"id,exempt reason,regions,customer number,name"

rows = st.one_of(
    st.sampled_from(
        [
            b"1,G,WA,C-1,Ann",  # the same id twice in a row: one certificate
            b"1,,,C-2,Bob",
            b"2,RESALE,TX,C-3,Cy",
            b",G,WA,C-4,no id",
            b'3,G,"WA\nOR",C-5,"a ""quoted"" name"',  # a quoted line break
            b'3,G,WA,C-6,"open quote',  # runs on over the rows after it
            b"4,G,WA,C-7,\xff\xfe not utf-8",
            b"5,G,WA,C-8," + b"x" * (MAX + 5),  # a line over the limit
            b'6,G,WA,C-9,"' + b"y" * (MAX + 5) + b'\n,still quoted"',
            b"",
            b"  ,  ,",
            b'7,G,"WA\r\n,OR",C-10,x',
            b"\x00,G,WA,C-11,nul",
            b'8,G,WA,C-12,stray"quote',
        ]
    ),
    st.binary(max_size=MAX).map(lambda b: b.replace(b"\n", b"")),
)


def _by_spans(path: Path, span_bytes: int) -> list[object]:
    spans = list(csv_spans(path, max_line_bytes=MAX, span_bytes=span_bytes))
    assert all(type(s) is Span and s.header is not None for s in spans)
    assert [s.start for s in spans[1:]] == [s.end for s in spans[:-1]]  # no byte left out
    return [record for span in spans for record in read_span(span)]


@settings(max_examples=examples(300), deadline=None)
@given(
    body=st.lists(rows, max_size=25),
    newline=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    end=st.booleans(),
    bom=st.booleans(),
    span_bytes=st.integers(1, 120),
)
def test_spans_give_the_records_of_the_whole_file(
    tmp_path_factory: pytest.TempPathFactory,
    body: list[bytes],
    newline: bytes,
    end: bool,
    bom: bool,
    span_bytes: int,
) -> None:
    """Grouped rows, quoted line breaks, unclosed quotes, bad bytes, oversized and blank
    lines, CRLF or bare CR, a BOM, no newline at the end: the same records, sources
    included, however small the spans."""
    path = tmp_path_factory.mktemp("spans") / "c.csv"
    data = newline.join([HEADER, *body]) + (newline if end else b"")
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    assert _by_spans(path, span_bytes) == list(read_csv(path, max_line_bytes=MAX))


def test_rows_of_one_certificate_stay_in_one_span(tmp_path: Path) -> None:
    """Three rows with one id are one certificate of three customers, however small the
    spans; a span starts at a row with another id."""
    path = tmp_path / "grouped.csv"
    path.write_bytes(HEADER + b"\n1,G,WA,C-1,a\n1,,,C-2,b\n\n1,,,C-3,c\n2,G,WA,C-4,d\n")
    spans = list(csv_spans(path, span_bytes=1))
    assert [s.line for s in spans] == [2, 6]
    (source, first, _, _), (_, second, _, _) = (r for s in spans for r in read_span(s))
    assert source == f"{path}:2"
    assert [c["customer_number"] for c in first["customers"]] == ["C-1", "C-2", "C-3"]
    assert second["id"] == "2"


def test_cp1252_is_cut_utf16_is_read_whole(tmp_path: Path) -> None:
    """A one-byte encoding is cut like UTF-8; UTF-16 comes as read_csv's records."""
    text = "id,reason,customer number,name\n" + "".join(f"{i},G,C-{i},Café\n" for i in range(50))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("cp1252"))
    spans = list(csv_spans(latin, encoding="cp1252", span_bytes=100))
    assert len(spans) > 1
    assert all(type(s) is Span for s in spans)
    whole = list(read_csv(latin, encoding="cp1252"))
    assert [r for s in spans for r in read_span(s)] == whole
    assert whole[0][1]["customers"][0]["name"] == "Café"
    wide = tmp_path / "wide.csv"
    wide.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert list(csv_spans(wide, span_bytes=100)) == list(read_csv(wide))


def test_read_pieces_gives_spans_for_csv(tmp_path: Path) -> None:
    """A CSV file comes as spans; a header alone as nothing, as read_records gives."""
    path = tmp_path / "a.csv"
    path.write_bytes(HEADER + b"\n1,G,WA,C-1,a\n")
    assert [type(p) for p in read_pieces(path)] == [Span]
    path.write_bytes(HEADER + b"\n\n \n")
    assert list(read_pieces(path)) == list(read_records(path)) == []


def test_record_rows_split_a_records_text_as_read_csv_reads_it(tmp_path: Path) -> None:
    """record_rows (what check --fix rewrites) gives the rows read_csv grouped, each with
    its own text: a quoted line break and a bare CR stay inside their row."""
    text = 'id,customer_number\r\nA,"C-1\r\nline"\rA,C-2\nB,"x\ry"\n'
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode())
    spans = [text.encode()[r.start : r.end].decode() for r in read_csv(path)]
    assert [len(record_rows(span)) for span in spans] == [2, 1]
    rows = record_rows(text)
    assert "".join(line for _, line in rows) == text
    assert [cells for cells, _ in rows] == [
        ["id", "customer_number"], ["A", "C-1\r\nline"], ["A", "C-2"], ["B", "x\ry"],
    ]  # fmt: skip
