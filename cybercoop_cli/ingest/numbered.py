"""Numbered reference lists: entry labels ("1.", "[1]", "(1)", "1 ") and splitting by them.

A numbered list names each entry by a label at the start of a line: ``1.``, ``1)``,
``[1]``, ``(1)``, ``(1).`` or a bare ``1`` before the text. Hard-wrapped entries run over
several lines, and a continuation line can itself start with a number ("1995:66–7.",
"#36."): what tells a label from such a line is the sequence. Labels count up from 1, so
a line is a new entry only when its label is the next number (a gap of one or two is
allowed, for an entry whose label was lost). The list is taken as numbered when at least
:data:`MIN_LABELS` labels follow each other so and they start most of its entries.

Public API::

    from cybercoop_cli.ingest.numbered import numbered_pieces
    pieces = numbered_pieces(clean, blocks)   # [(label, start, end), ...] or None
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Labels in sequence needed before a list is read as numbered.
MIN_LABELS = 3
#: How far a label may jump ahead of the one expected (an entry whose label was lost).
MAX_LABEL_GAP = 2

# "[12]", "(12)", "(12).", "12.", "12)", "12" followed by a space or the end of the line.
_LABEL = re.compile(r"[ \t]*(?:\[(\d{1,4})\]|\((\d{1,4})\)\.?|(\d{1,4})(?:[.)]|(?= )))(?=\s|$)")


def line_label(line: str) -> tuple[int, int] | None:
    """The label number at the start of ``line`` and where its text starts, or None."""
    found = _LABEL.match(line)
    if found is None:
        return None
    number = int(found.group(1) or found.group(2) or found.group(3))
    return number, found.end()


def numbered_pieces(
    clean: str, blocks: Sequence[tuple[int, int]]
) -> list[tuple[int, int, int]] | None:
    """Split a numbered reference list into ``(label, start, end)`` entries of ``clean``.

    ``start`` is where the entry's text begins, after its label. None when the list is not
    numbered (fewer than :data:`MIN_LABELS` labels in sequence, or labels that start
    fewer than half of the lines that could start an entry).
    """
    starts: list[tuple[int, int, int]] = []  # (label, line start, text start)
    expected = 1
    labelled_lines = 0
    for block_start, block_end in blocks:
        position = block_start
        while position < block_end:
            line_end = clean.find("\n", position, block_end)
            line_end = block_end if line_end < 0 else line_end
            found = line_label(clean[position:line_end])
            if found is not None:
                labelled_lines += 1
                number, text_at = found
                if expected <= number <= expected + MAX_LABEL_GAP:
                    starts.append((number, position, position + text_at))
                    expected = number + 1
            position = line_end + 1
    if len(starts) < MIN_LABELS or starts[0][0] > 1 + MAX_LABEL_GAP:
        return None
    if len(starts) < labelled_lines / 2:
        return None  # numbers at line starts, but not a sequence of labels
    ends = [line_start for _, line_start, _ in starts[1:]]
    last_end = blocks[-1][1]
    ends.append(last_end)
    pieces: list[tuple[int, int, int]] = []
    for (number, _, text_start), end in zip(starts, ends, strict=True):
        pieces.append((number, text_start, end))
    # Text before the first label (a heading's tail, a note) is not an entry.
    return pieces
