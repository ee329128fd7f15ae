"""One fuzzy search index over every record kind, structure items included.

Texts are folded once (accents, case, punctuation) into an inverted index of
words. A query is folded the same way; each query word is matched against the
index's vocabulary (exact, prefix, then RapidFuzz `ratio` for typos), topic
aliases add the records of the topic they name (guns -> firearms), and hits
are ranked in tiers: exact id/alias/title, then the whole phrase in a title,
then the phrase anywhere, then by how well the words are covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import title_of
from .text import fold

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 12
STOPWORDS = frozenset("a an and the of to in on for by with de la el los las y en del".split())
# field weights: where a word is found matters
W_TITLE, W_TOPIC, W_BODY, W_QUOTE = 1.0, 0.85, 0.75, 0.65
TIER_EXACT, TIER_TITLE_PHRASE, TIER_PHRASE = 3, 2, 1
NEAR_NAME = 88  # a typo'd name ('bicentenial framwork') ranks with a title phrase match
# on equal scores, the things users ask about first
KIND_RANK = {"programs": 0, "structures": 1, "items": 2, "topics": 3, "recommendations": 4,
             "assessments": 5, "funding": 6, "events": 7, "figures": 8, "sources": 9}


@dataclass
class Doc:
    kind: str
    id: str
    title: str
    record: dict
    names: list[str]  # folded id, title, aliases: candidates for an exact match
    title_text: str  # folded title + aliases
    body_text: str  # folded summary, topic labels, quotes
    words: dict[str, float] = field(default_factory=dict)  # word -> best field weight


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    score: float
    record: dict
    snippet: str
    terms: list[str]

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title,
                "score": round(self.score, 1), "record": self.record}


class SearchIndex:
    """Folded documents, an inverted word index and the topic names for expansion."""

    def __init__(self, ds):
        self.ds = ds
        self.docs: list[Doc] = []
        self.postings: dict[str, list[int]] = {}
        for kind, rec, extra_topics in _records(ds):
            self._add(kind, rec, extra_topics)
        self.vocabulary = list(self.postings)

    def _add(self, kind: str, rec: dict, extra_topics: list[str]) -> None:
        title = title_of(kind, rec)
        aliases = list(rec.get("aliases", []))
        topic_labels = [self.ds.get("topics", t)["label"] for t in
                        rec.get("topics", []) + extra_topics if self.ds.get("topics", t)]
        quotes = [c["quote"] for c in rec.get("cite", [])]
        body = [rec.get(k, "") for k in ("summary", "description", "actor", "place", "note",
                                          "recipient", "account", "publisher", "author",
                                          "label", "unit")]
        body = [b for b in body if isinstance(b, str)]
        names = [fold(n) for n in [rec["id"], title, *aliases] if n]
        doc = Doc(kind, rec["id"], title, rec, names,
                  fold(" ".join([title, *aliases, rec["id"].replace("-", " ")])),
                  fold(" ".join(body + topic_labels + quotes)))
        weights = {}
        for text, weight in ((doc.title_text, W_TITLE), (fold(" ".join(topic_labels)), W_TOPIC),
                             (fold(" ".join(body)), W_BODY), (fold(" ".join(quotes)), W_QUOTE)):
            for word in text.split():
                if weights.get(word, 0) < weight:
                    weights[word] = weight
        doc.words = weights
        number = len(self.docs)
        self.docs.append(doc)
        for word in weights:
            self.postings.setdefault(word, []).append(number)

    # ---- query ---------------------------------------------------------------
    def expand(self, word: str) -> dict[str, float]:
        """Vocabulary words a query word may mean, with a similarity in 0..1."""
        from rapidfuzz import fuzz, process

        found = {}
        if word in self.postings:
            found[word] = 1.0
        if len(word) >= 3:
            for vocab in self.vocabulary:
                if vocab.startswith(word) and vocab != word:
                    found.setdefault(vocab, 0.9)
        if len(word) >= 4:
            cutoff = 80 if len(word) >= 6 else 85
            for vocab, score, _ in process.extract(word, self.vocabulary, scorer=fuzz.ratio,
                                                   score_cutoff=cutoff, limit=8):
                found.setdefault(vocab, score / 100 * 0.95)
        return found

    def topics_named(self, query: str) -> set[str]:
        """Topics (with their children) whose id, label or alias the query names."""
        names = self.ds.topic_names
        if query in names:
            return self.ds.topic_family(names[query])
        if len(query) >= 5:
            from rapidfuzz import fuzz, process

            best = process.extractOne(query, list(names), scorer=fuzz.ratio, score_cutoff=88)
            if best:
                return self.ds.topic_family(names[best[0]])
        return set()

    def search(self, query: str, kinds=None, limit: int = 10) -> list[Hit]:
        phrase = fold(query[:MAX_QUERY_CHARS])
        if not phrase:
            return []
        words = [w for w in phrase.split() if w not in STOPWORDS] or phrase.split()
        words = words[:MAX_QUERY_WORDS]
        expansions = [self.expand(w) for w in words]
        topics = self.topics_named(phrase)
        candidates: dict[int, float] = {}
        for i, exp in enumerate(expansions):
            for vocab in exp:
                for number in self.postings.get(vocab, ()):
                    candidates[number] = 0.0
        if topics:
            for number, doc in enumerate(self.docs):
                if topics & set(_doc_topics(doc)):
                    candidates[number] = 0.0
        hits = []
        for number in candidates:
            doc = self.docs[number]
            if kinds and doc.kind not in kinds:
                continue
            score, terms = self._score(doc, phrase, words, expansions, topics)
            if score > 0:
                hits.append(Hit(doc.kind, doc.id, doc.title, score, doc.record,
                                snippet(doc, terms), terms))
        hits.sort(key=lambda h: (-round(h.score, 1), KIND_RANK.get(h.kind, 9), len(h.title), h.id))
        return hits[:limit]

    def _score(self, doc: Doc, phrase, words, expansions, topics) -> tuple[float, list[str]]:
        total, terms = 0.0, []
        for exp in expansions:
            best, best_word = 0.0, None
            for vocab, sim in exp.items():
                weight = doc.words.get(vocab)
                if weight and sim * weight > best:
                    best, best_word = sim * weight, vocab
            total += best
            if best_word:
                terms.append(best_word)
        coverage = 100 * total / len(expansions)
        if topics and topics & set(_doc_topics(doc)):
            coverage = max(coverage, 80.0)
        if coverage < 40:
            return 0.0, terms
        if phrase in doc.names:
            tier = TIER_EXACT
        elif _has_phrase(doc.title_text, phrase) or _near_name(phrase, doc.names):
            tier = TIER_TITLE_PHRASE
        elif _has_phrase(doc.body_text, phrase):
            tier = TIER_PHRASE
        else:
            tier = 0
        return tier * 100 + coverage, terms


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} " or (len(phrase) >= 4 and phrase in text)


def _near_name(phrase: str, names: list[str]) -> bool:
    from rapidfuzz import fuzz

    return len(phrase) >= 5 and any(fuzz.ratio(phrase, name) >= NEAR_NAME for name in names)


def _doc_topics(doc: Doc) -> list[str]:
    return doc.record.get("topics", [])


def _records(ds):
    """(kind, record, extra topics) for every record and structure item."""
    for kind, recs in ds.records.items():
        for rec in recs:
            yield kind, rec, []
            for item in rec.get("items", []):
                yield "items", item, []


def snippet(doc: Doc, terms: list[str], width: int = 100) -> str:
    """A short passage of the record around the first matched word."""
    texts = [doc.record.get(k) for k in ("summary", "text", "description")]
    texts += [c["quote"] for c in doc.record.get("cite", [])]
    texts = [t for t in texts if isinstance(t, str) and t != doc.title]
    for text in texts:
        folded_words = fold(text).split()
        for term in terms:
            if term in folded_words:
                return _around(text, term, width)
    return texts[0][:width] if texts else ""


def _around(text: str, term: str, width: int) -> str:
    lowered = fold(text)
    at = lowered.find(term)
    # folding keeps word order and roughly the length: cut around the same place
    start = max(0, min(at - width // 3, len(text) - width))
    cut = text[start:start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(text) else "")
