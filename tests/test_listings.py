"""Listings at 80, 100 and 160 columns: what identifies a record stays whole, and a
snippet is cut between words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from merida_cli.text import excerpt

FIREWALL = ('The two governments coordinated in the announcement of the "Mission Firewall: '
            'United Against Firearms Trafficking Initiative." to dismantle the networks '
            "that move weapons south across the border")


def _words(piece: str) -> list[str]:
    return piece.strip("…").rstrip("…").split()


def test_a_snippet_starts_and_ends_between_words():
    at = FIREWALL.index("dismantle")
    piece = excerpt(FIREWALL, at, 60)
    assert piece.startswith("…") and piece.endswith("…")
    assert "dismantle" in piece.split()
    assert set(_words(piece)) <= set(FIREWALL.split())  # no half word ("…ntle the")


def test_a_short_text_is_not_cut():
    assert excerpt("Trace seized arms", 6, 100) == "Trace seized arms"


def test_a_word_longer_than_the_window_is_kept_whole():
    text = "see " + "x" * 50 + " here and more words after it"
    piece = excerpt(text, 4, 20)
    assert "x" * 50 in piece and piece.endswith("…")


word = st.text("abcdefghij", min_size=1, max_size=14)


@given(st.lists(word, min_size=1, max_size=60), st.integers(0, 2000), st.integers(10, 120))
def test_a_snippet_is_a_run_of_whole_words_around_the_match(words, at, width):
    text = " ".join(words)
    at = at % len(text)
    matched = text[:at + 1].count(" ") - (text[at] == " ")  # the index of the word at `at`
    piece = excerpt(text, at, width)
    shown = _words(piece)
    # some run words[first:first + len(shown)] that holds the matched word
    runs = [first for first in range(len(words) - len(shown) + 1)
            if words[first:first + len(shown)] == shown
            and first <= matched < first + len(shown)]
    assert runs, (text, at, piece)
    first = runs[0]
    assert piece.startswith("…") == (first > 0)  # "…" exactly where words were left out
    assert piece.endswith("…") == (first + len(shown) < len(words))
    assert len(piece) <= width + 2 + max(map(len, words))  # about `width`: one word more
