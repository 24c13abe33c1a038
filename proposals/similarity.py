"""Similarity of Chinese texts by character bigrams (Dice coefficient).

Chinese has no spaces between words, so word-based similarity does not work;
overlapping pairs of characters capture most two-character words. Punctuation,
spaces and letter case are ignored; the same function runs on SQLite and
PostgreSQL, so both behave alike.
"""

import heapq
import unicodedata

from django.conf import settings


def _normalise(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def bigrams(text):
    chars = _normalise(text)
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def similarity(a, b):
    """Dice coefficient of the two texts' bigram sets, 0.0 to 1.0."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def rank_similar(text, candidates, limit=5, threshold=None):
    """[(key, score)] of the candidates (key, text) at or above the threshold, best first."""
    threshold = settings.PROPOSAL_SIMILARITY_THRESHOLD if threshold is None else threshold
    target = bigrams(text)
    if not target:
        return []
    scored = []
    for key, other in candidates:
        grams = bigrams(other)
        if grams:
            score = 2 * len(target & grams) / (len(target) + len(grams))
            if score >= threshold:
                scored.append((round(score, 3), key))
    return [(key, score) for score, key in heapq.nlargest(limit, scored)]
