"""Text normalisation shared by quote verification, search and id matching."""

import json
import re
import unicodedata

_PUNCT_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u00ad": None, "\u200b": None, "\ufeff": None,
})
_SPACE = re.compile(r"\s+")
_BROKEN_HYPHEN = re.compile(r"(?<=\w)- (?=\w)")


class _CombiningMarks(dict):
    """str.translate table that deletes combining marks, filled on first sight of a char."""

    def __missing__(self, code: int):
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _CombiningMarks()


def strip_accents(text: str) -> str:
    """Drop combining marks after NFKD: 'Mérida' -> 'Merida'. Only the runs of non-ASCII
    characters are looked at one by one (a quote is mostly ASCII around its accents)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFKD", text))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(run: re.Match) -> str:
    return run.group().translate(_DROP_COMBINING)


def normalize_quote(text: str) -> str:
    """Canonical form for comparing a quote with its source text.

    Folds accents, curly quotes, dashes and whitespace (line breaks in
    PDF-derived text included, and a word hyphenated across a line break);
    case and wording are kept, so a changed word still fails.
    """
    text = strip_accents(text).translate(_PUNCT_MAP)
    text = _SPACE.sub(" ", text)
    return _BROKEN_HYPHEN.sub("-", text).strip()


_WORD = re.compile(r"\w")


def normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize_quote(text)` before its final strip, with the offset in `text` of each of
    its characters: what lets a quote found in the normalised form be marked in the original."""
    chars: list[str] = []
    offsets: list[int] = []
    for at, char in enumerate(text):
        for piece in strip_accents(char).translate(_PUNCT_MAP):
            if piece.isspace():
                if chars and chars[-1] == " ":
                    continue
                piece = " "
            chars.append(piece)
            offsets.append(at)
    kept = [j for j, char in enumerate(chars)
            if not (char == " " and 2 <= j < len(chars) - 1 and chars[j - 1] == "-"
                    and _WORD.match(chars[j - 2]) and _WORD.match(chars[j + 1]))]
    return "".join(chars[j] for j in kept), [offsets[j] for j in kept]


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """The (start, end) in `text` of the first stretch that `quote` matches the way
    `merida verify` matches it (normalize_quote on both sides), or None."""
    needle = normalize_quote(quote)
    folded, offsets = normalized_with_offsets(text)
    at = folded.find(needle) if needle else -1
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1


_DIGIT = re.compile(r"\d")
# runs of digits, spaced from the letters beside them ('fy2008' -> 'fy 2008'): a regex
# that starts with a lookbehind tries every position (2.5x slower over a file's titles)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(rb"  +")
_INITIALISMS = ((b"u.s.", b"us "), (b"u.n.", b"un "), (b"u.k.", b"uk "), (b"e.u.", b"eu "))


def fold(text: str, split_numbers: bool = True) -> str:
    """Search form: accents, case and punctuation gone ('Mil-Mil' -> 'mil mil'),
    'U.S.' -> 'us', and letters split from digits ('FY2008' -> 'fy 2008') unless
    split_numbers is False (long texts at index time, where that regex costs most)."""
    if not text.isascii():
        text = _NON_ASCII.sub(_folded_run, text)
    return _fold_ascii(text, split_numbers, _ASCII_WORDS)


def fold_all(texts: list[str], split_numbers: bool = True) -> list[str]:
    """`[fold(t, split_numbers) for t in texts]`, folded as one text: a search index folds
    a file's thousands of little texts in one pass of each step, not one call per text
    (every step works within words, and the separator between the texts is a word of its
    own that the byte table keeps)."""
    if not texts:
        return []
    texts = [text if text.isascii() else _NON_ASCII.sub(_folded_run, text) for text in texts]
    joined = _SEPARATED.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator itself
        return [_fold_ascii(text, split_numbers, _ASCII_WORDS) for text in texts]
    folded = _fold_ascii(joined, split_numbers, _ASCII_WORDS_AND_SEPARATOR)
    return [part.strip(" ") for part in folded.split(_SEPARATOR)]


class _FoldedRuns(dict):
    """A run of non-ASCII characters -> its folded form: compatibility forms decomposed,
    accents dropped, case folded, what is no letter or digit a space. Each step keeps to
    its characters, so a text's runs fold alone and the ASCII between them in bytes.
    Kept: a pack has few distinct runs ('é', '’', '–'); emptied when it grows big."""

    def __missing__(self, run: str) -> str:
        if len(self) > 50_000:
            self.clear()
        folded = unicodedata.normalize("NFKD", run).translate(_DROP_COMBINING).casefold()
        self[run] = folded = _NON_ASCII_NON_WORD.sub(" ", folded)
        return folded


_FOLDED_RUNS = _FoldedRuns()


def _folded_run(run: re.Match) -> str:
    return _FOLDED_RUNS[run.group()]


def _fold_ascii(text: str, split_numbers: bool, table: bytes) -> str:
    """The rest of `fold` once the non-ASCII runs are folded: on the UTF-8 bytes, ASCII
    lower case, the initialisms, every ASCII byte that is no letter or digit a space
    (`table`), one space between words: one pass of C each over the bytes, and no object
    per word (`" ".join(text.split())` made one)."""
    data = text.encode("utf-8", "surrogatepass").lower()
    if b"." in data:
        for dotted, plain in _INITIALISMS:
            if dotted in data:
                data = data.replace(dotted, plain)
    data = _SPACES.sub(b" ", data.translate(table)).strip(b" ")
    if b"united states" in data:  # so that "US" finds "the United States"
        data = data.replace(b"united states", b"united states us")
    text = data.decode("utf-8", "surrogatepass")
    if split_numbers and _DIGIT.search(text):
        text = _DIGITS.sub(_spaced_digits, text)
    return text


def _spaced_digits(digits: re.Match) -> str:
    """A run of digits with a space between it and a letter on either side."""
    text, (start, end) = digits.string, digits.span()
    spaced = digits.group()
    if start and "a" <= text[start - 1] <= "z":
        spaced = " " + spaced
    if end < len(text) and "a" <= text[end] <= "z":
        spaced += " "
    return spaced


# ASCII letters and digits kept, other ASCII bytes spaces; bytes of longer UTF-8 sequences kept
_ASCII_WORDS = bytes(c if c >= 0x80 or chr(c).isalnum() else 0x20 for c in range(256))
_NON_ASCII_NON_WORD = re.compile(r"[^\w\x00-\x7f]")
# fold_all's separator: a control character (no whitespace to split, no letter or digit)
# that its byte table keeps, with spaces around it so that it stays a word of its own
_SEPARATOR = "\x01"
_SEPARATED = f" {_SEPARATOR} "
_ASCII_WORDS_AND_SEPARATOR = bytes(c if c == ord(_SEPARATOR) else _ASCII_WORDS[c]
                                   for c in range(256))


# Control characters (C0, DEL, C1), bidi embeddings/overrides/isolates, zero-width and
# other invisible format characters, line/paragraph separators and Unicode tag characters.
_UNSAFE_CLASS = ("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                 "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")
_UNSAFE = re.compile(_UNSAFE_CLASS)
_UNSAFE_IN_CELL = re.compile("(?![\t\n\r])" + _UNSAFE_CLASS)  # CSV quoting carries these
_UNSAFE_IN_JSON = re.compile("(?!\n)" + _UNSAFE_CLASS)  # a raw newline is the layout's
# YAML's layout carries a tab and a line break; the rest must be written escaped
unsafe_in_yaml = re.compile("(?![\t\n])" + _UNSAFE_CLASS).search
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def printable(text) -> str:
    """Text safe to show anywhere: control characters, escape sequences, bidi overrides
    and zero-width characters written as escapes (ESC -> \\x1b, U+202E -> \\u202e,
    TAB -> \\t), so data or an argument can neither drive the terminal nor break a row
    or a one-line message. Everything else is kept as it is."""
    text = str(text)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def counted(n: int, noun: str) -> str:
    """'1 group', '2,046 groups': a count and its noun, plural when it is not one."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def wrote(path, count: int | None = None) -> str:
    """The 'wrote PATH' line on stderr (every command that writes): the path escaped, so a
    newline in it cannot make two lines of one (stderr's own escaping is line by line)."""
    return f"wrote {count} files to {printable(path)}" if count is not None \
        else f"wrote {printable(path)}"


# OWASP CSV injection: a text cell starting with one of these is a formula to a spreadsheet
# (and the full-width forms, which some spreadsheets read as the ASCII ones)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def cell_text(value) -> str:
    """Text for a spreadsheet cell (every CSV writer): a formula-leading text gets a leading
    ' (numbers stay numbers), and control, bidi and invisible characters are written as
    escapes as `printable` does; tabs and line breaks stay (CSV quoting carries them)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return _UNSAFE_IN_CELL.sub(_escape, text)


def _json_escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a JSON escape of an astral character is its surrogate pair
    return f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}"


def json_text(data, indent: int | None = 2) -> str:
    """JSON (UTF-8 text kept) in which control, bidi and invisible characters are \\u
    escapes: the same value to a parser, but inert on a terminal."""
    # json.dumps escapes C0 inside strings itself, so a raw newline is the layout's
    return _UNSAFE_IN_JSON.sub(_json_escape, json.dumps(data, ensure_ascii=False,
                                                        indent=indent))


def closest(word: str, names, cutoff: float = 70, whole: bool = False) -> str | None:
    """The name nearest to `word` (case, accents and punctuation folded), or None.

    `names` is a collection of names, or a mapping of folded name -> what to return.
    `whole` compares whole strings only (no partial matches: a search phrase naming a
    topic); otherwise RapidFuzz's WRatio, which also forgives a missing word.
    """
    if not isinstance(names, dict):
        names = {str(n): str(n) for n in names}
    if not names or not word:
        return None
    from rapidfuzz import fuzz, process, utils

    best = process.extractOne(fold(str(word))[:200], list(names),
                              scorer=fuzz.ratio if whole else fuzz.WRatio,
                              processor=utils.default_process, score_cutoff=cutoff)
    return names[best[0]] if best else None


def did_you_mean(word: str, names) -> str:
    """' (did you mean 'x'?)' for the closest name, or '': every 'unknown ...' message."""
    best = closest(word, names)
    return f" (did you mean '{best}'?)" if best else ""


MAX_MESSAGE_LINE = 500


def bounded(message: str) -> str:
    """Messages echo what the user gave; a 100,000-character argument is cut, per line."""
    return "\n".join(line if len(line) <= MAX_MESSAGE_LINE else
                     f"{line[:MAX_MESSAGE_LINE]}... ({len(line) - MAX_MESSAGE_LINE} more characters)"
                     for line in message.split("\n"))


def clip_words(text: str, limit: int) -> str:
    """Text cut to at most `limit` characters at a word boundary, with an ellipsis when
    cut: a quote shortened for a table never ends mid-word."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def excerpt(text: str, at: int, width: int) -> str:
    """About `width` characters of `text` around position `at`, cut only between words,
    with "…" on each side that was cut: a search snippet never shows half a word
    ("…ntle the"). A word longer than the window is kept whole."""
    text = str(text)
    if len(text) <= width:
        return " ".join(text.split())
    at = max(0, min(at, len(text) - 1))
    while at and text[at].isspace():  # a match at a space belongs to the word before it
        at -= 1
    start = max(0, min(at - width // 3, len(text) - width))
    end = start + width
    if start and not text[start - 1].isspace():  # inside a word: start at the next one
        nxt = _SPACE.search(text, start)
        start = nxt.end() if nxt and nxt.end() <= at else _word_start(text, start)
    if end < len(text) and not text[end].isspace():  # inside a word: end before it
        cut = max((m.start() for m in _SPACE.finditer(text, start, end)), default=-1)
        if cut > at:
            end = cut
        else:  # the matched word runs past the window: end after it
            nxt = _SPACE.search(text, end)
            end = nxt.start() if nxt else len(text)
    piece = " ".join(text[start:end].split())
    if end < len(text):
        piece = piece.rstrip(" ,;:.") + "…"
    return ("…" if start else "") + piece


def _word_start(text: str, at: int) -> int:
    while at and not text[at - 1].isspace():
        at -= 1
    return at
