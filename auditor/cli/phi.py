"""``baa-audit phi scan``: run the PHI detectors over log files before they ship.

Lines are streamed (memory stays flat whatever the file's size) and scanned in batches with the
same detectors the log samplers use. Output says where each detection is (file, line, character
offsets in the line as written) and what kind it is, never the matched text.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from auditor.cli.common import echo_err, echo_out, handle_errors, listing_format_option
from auditor.collect.phi.bounds import SamplingBounds
from auditor.collect.phi.detectors import DETECTORS, Scanner, UnknownDetector
from auditor.collect.phi.text import MAX_SEGMENT_CHARS
from auditor.core.errors import InputError

EXIT_CLEAN = 0
EXIT_FOUND = 1

#: Bytes of one line read at most; the rest of a longer line is skipped (and counted).
MAX_LINE_BYTES = 4 * MAX_SEGMENT_CHARS
BATCH_LINES = 500
TABLE_ROWS = 1000


@click.group()
def phi() -> None:
    """Find PHI in log text with the detectors of the log samplers."""


@phi.command("scan")
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@listing_format_option(
    "jsonl",
    "table for people; jsonl: one JSON object per detection (file, line, start, end, "
    "kind, detector), offsets in characters of the line, never the text.",
)
@click.option(
    "--detectors",
    default=None,
    metavar="NAME,...",
    help=f"Only these detectors (default: all of {', '.join(DETECTORS)}).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=SamplingBounds().min_confidence,
    show_default=True,
    help="Detections below this confidence are not reported.",
)
@handle_errors
def scan(paths: tuple[str, ...], fmt: str, detectors: str | None, min_confidence: float) -> None:
    """Scan log files (or standard input, as -) for PHI, line by line.

    \b
    Exit codes: 0 nothing found, 1 PHI found, 2 bad input (missing file, a directory,
    text that is not UTF-8, an unknown detector).
    \b
    Examples:
      baa-audit phi scan app.log
      kubectl logs deploy/api | baa-audit phi scan - --format jsonl
    """
    chosen = [d.strip() for d in detectors.split(",") if d.strip()] if detectors else None
    try:
        scanner = Scanner(detectors=chosen, threshold=min_confidence)
    except UnknownDetector as exc:
        raise InputError(str(exc)) from None
    _check_paths(paths)
    found = 0
    cut = 0
    by_kind: Counter[str] = Counter()
    rows: list[tuple[str, int, int, int, str, str]] = []
    for path in paths:
        for name, number, start, end, kind, method in _scan_source(path, scanner):
            if kind == "":
                cut += 1
                continue
            found += 1
            by_kind[kind] += 1
            if fmt == "jsonl":
                record = {
                    "file": name,
                    "line": number,
                    "start": start,
                    "end": end,
                    "kind": kind,
                    "detector": method,
                }
                echo_out(json.dumps(record))
            elif len(rows) < TABLE_ROWS:
                rows.append((name, number, start, end, kind, method))
    if fmt == "table":
        _print_table(rows, found, by_kind)
    if cut:
        echo_err(
            f"baa-audit: warning: {cut} line(s) longer than {MAX_SEGMENT_CHARS} characters "
            "were scanned only in part"
        )
    sys.exit(EXIT_FOUND if found else EXIT_CLEAN)


def _check_paths(paths: tuple[str, ...]) -> None:
    """Every path is a readable UTF-8 file (or -), checked before anything is printed."""
    if paths.count("-") > 1:
        raise InputError("standard input (-) can be read only once")
    for path in paths:
        if path == "-":
            continue
        p = Path(path)
        if not p.exists():
            raise InputError(f"{_shown(path)}: no such file")
        if p.is_dir():
            raise InputError(f"{_shown(path)}: is a directory (name the log files to scan)")
        if not p.is_file():
            raise InputError(f"{_shown(path)}: not a regular file")
        try:
            with p.open("rb") as fh:
                decoder = codecs.getincrementaldecoder("utf-8")()
                offset = 0
                while chunk := fh.read(1 << 20):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        raise InputError(
                            f"{_shown(path)}: not UTF-8 text (byte {offset + exc.start})"
                        ) from None
                    offset += len(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(f"{_shown(path)}: not UTF-8 text (ends inside a character)") from None
        except OSError as exc:
            raise InputError(f"{_shown(path)}: cannot be read ({exc.strerror})") from None


Row = tuple[str, int, int, int, str, str]


def _scan_source(path: str, scanner: Scanner) -> Iterator[Row]:
    """``(file, line, start, end, kind, detector)`` per detection; kind "" marks a cut line."""
    name = "-" if path == "-" else path
    if path == "-":
        yield from _scan_stream(name, sys.stdin.buffer, scanner)
        return
    with Path(path).open("rb") as fh:
        yield from _scan_stream(name, fh, scanner)


def _scan_stream(name: str, fh: IO[bytes], scanner: Scanner) -> Iterator[Row]:
    batch: list[str] = []
    numbers: list[int] = []
    number = 0
    for text, was_cut in _lines(name, fh):
        number += 1  # noqa: SIM113
        if was_cut:
            yield name, number, 0, 0, "", ""
        batch.append(text)
        numbers.append(number)
        if len(batch) >= BATCH_LINES:
            yield from _flush(name, batch, numbers, scanner)
            batch, numbers = [], []
    if batch:
        yield from _flush(name, batch, numbers, scanner)


def _flush(name: str, batch: list[str], numbers: list[int], scanner: Scanner) -> Iterator[Row]:
    results = scanner.scan_segments([[("", text)] for text in batch], dedupe=False)
    for number, found in zip(numbers, results, strict=True):
        for d in found:
            if d.confidence >= scanner.threshold:
                yield name, number, d.start, d.end, d.detector, d.method


def _lines(name: str, fh: IO[bytes]) -> Iterator[tuple[str, bool]]:
    """Each line decoded (end of line removed), and whether it was cut to the scanned length."""
    offset = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES)
        if not raw:
            return
        cut = False
        if not raw.endswith(b"\n") and len(raw) == MAX_LINE_BYTES:
            cut = True
            while True:  # skip the rest of the line without holding it
                rest = fh.readline(MAX_LINE_BYTES)
                offset += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            raw = _whole_characters(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{_shown(name)}: not UTF-8 text (byte {offset + exc.start})"
            ) from None
        offset += len(raw)
        text = text.rstrip("\r\n")
        if len(text) > MAX_SEGMENT_CHARS:
            text, cut = text[:MAX_SEGMENT_CHARS], True
        yield text, cut


def _whole_characters(raw: bytes) -> bytes:
    """``raw`` without a UTF-8 sequence cut at its end."""
    for back in range(1, 4):
        if len(raw) >= back and raw[-back] & 0xC0 == 0xC0:
            need = 2 if raw[-back] < 0xE0 else 3 if raw[-back] < 0xF0 else 4
            return raw[:-back] if need > back else raw
        if len(raw) >= back and raw[-back] & 0x80 == 0:
            return raw
    return raw


def _shown(path: str) -> str:
    """A path as it may be printed: control characters escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)


def _print_table(rows: list[Row], found: int, by_kind: Counter[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not found:
        console.print("No PHI found.")
        return
    table = Table(title="PHI detections (offsets in characters of the line; text not shown)")
    for head in ("file", "line", "start", "end", "kind", "detector"):
        table.add_column(head, justify="right" if head in ("line", "start", "end") else "left")
    for name, number, start, end, kind, method in rows:
        table.add_row(_shown(name), str(number), str(start), str(end), kind, method)
    console.print(table, markup=False)
    if found > len(rows):
        console.print(f"... and {found - len(rows)} more (use --format jsonl for every one)")
    summary = ", ".join(f"{kind} {count}" for kind, count in by_kind.most_common())
    console.print(f"{found} detection(s): {summary}", markup=False)


__all__ = ["phi"]
