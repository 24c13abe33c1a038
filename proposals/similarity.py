"""Whether two proposals are the same idea: their word pieces, weighted by how rare they are.

Chinese has no spaces between words, so word-based similarity does not work. A proposal's
title and body (改進意見) are cut into word pieces: every character and every pair of
adjacent characters (bigrams catch two-character words; single characters catch the shared
character of two synonyms, 線上 and 網路 apart, 預填 and 預先 …). Punctuation, spaces, width and
letter case are ignored. Pieces every proposal uses (讀者, 服務, 提升) say little, so each counts
by its inverse document frequency among the submitted proposals (GramFrequency), and two
proposals' likeness is the weighted Dice coefficient of their pieces:

    2 × Σ weight(shared pieces) / (Σ weight(pieces of one) + Σ weight(pieces of the other))

Chosen on a labelled set written for this library (tests/data/duplicate_pairs.json: 40 pairs
of one idea written by two people, 36 of one topic but different ideas, 20 unrelated) by
bench/duplicates.py, which prints precision and recall by threshold. Comparing title and body
apart did worse there: proposals of one topic share their title words.
"""

import math
import unicodedata
from collections.abc import Iterable, Mapping


def _normalise(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def bigrams(text) -> set[str]:
    chars = _normalise(text)
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def words(title, body) -> set[str]:
    """A proposal's word pieces: its characters and character bigrams, title and body."""
    pieces = set()
    for text in (title, body):
        pieces |= set(_normalise(text)) | bigrams(text)
    return pieces


def similarity(a, b) -> float:
    """Dice coefficient of two texts' bigram sets, 0.0 to 1.0 (unweighted: the check before
    this one, kept for comparison in the benchmark)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def weight(proposals_with_it: int, proposals: int) -> float:
    """A piece's weight: 1 for one in every proposal, more the rarer it is."""
    return 1.0 + math.log((proposals + 1) / (proposals_with_it + 1))


def likeness(mine: set[str], theirs: set[str], weights: Mapping[str, float]) -> float:
    """Weighted Dice coefficient of two proposals' pieces, 0.0 to 1.0 (a piece without a
    weight counts as the rarest, as one not yet in the index)."""
    if not mine or not theirs:
        return 0.0
    default = max(weights.values(), default=1.0)

    def total(pieces):
        return sum(weights.get(g, default) for g in pieces)

    return round(2 * total(mine & theirs) / (total(mine) + total(theirs)), 3)


def document_frequency(texts: Iterable[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """{piece: in how many of these proposals (title, body)}, and how many: for a corpus held in
    memory (the benchmark; the site keeps the same in GramFrequency)."""
    frequency: dict[str, int] = {}
    count = 0
    for title, body in texts:
        count += 1
        for piece in words(title, body):
            frequency[piece] = frequency.get(piece, 0) + 1
    return frequency, count
