"""One fuzzy search over every record kind, structure items included.

Each record becomes a document of folded texts (accents, case, punctuation
gone) at cache build time, indexed by SQLite FTS5 (see searchindex.py). A query is
folded the same way; words found in the index match exactly or as prefixes,
misspelt words are matched against the index vocabulary with RapidFuzz
(`ratio`: fast, and enough for typos), and topic aliases add the records of
the topic they name (guns -> firearms). Hits rank in tiers: exact id, alias or
title; the whole phrase (or a near miss of a name) in a title; the phrase
anywhere; then by how well the words are covered, weighted by field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import StoreError
from .glossary import SPANISH
from .text import closest, excerpt, fold

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 12
MAX_CANDIDATES = 1000
MAX_PREFIX_TERMS = 12
# function words and question words: "how much did Congress appropriate for Merida"
_STOPWORD_TEXT = """a an and the of to in on for by with at as or from into about is are was
were be been being do does did has have had it its this that these those there their what when
where which who whom why how much many any some just tell show say said says come came get me
de la el los las y en del que cual cuando como donde quien por para con se es un una lo al
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
SUFFIXES = ("izations", "ization", "ations", "ation", "ings", "ing", "ies", "es", "ed", "s", "e")
MAX_STEM_TERMS = 6
FIELD_WEIGHTS = (1.0, 0.85, 0.75, 0.65)  # title+aliases, topic labels, summary etc., quotes
TIER_EXACT, TIER_TITLE_PHRASE, TIER_PHRASE = 3, 2, 1
NEAR_NAME = 88  # a typo'd name ('bicentenial framwork') ranks with a title phrase match
MIN_COVERAGE = 40
# a close match: the phrase in the record, the topic it names, or three in four of the
# query's words found in it (a two- or three-word query: every word); the rest are guesses
CLOSE_SHARE = 0.75
# on equal scores, programs and their parts first; other kinds by how focused the title is
KIND_RANK = {"programs": 0, "structures": 1, "items": 1, "topics": 2}
# a query word that names a kind counts as matched by every record of that kind
KIND_WORDS = {"recommendation": "recommendations", "recommendations": "recommendations",
              "recs": "recommendations", "recommended": "recommendations",
              "event": "events", "events": "events", "figure": "figures", "figures": "figures",
              "funding": "funding", "money": "funding", "budget": "funding",
              "assessment": "assessments", "assessments": "assessments",
              "critique": "assessments", "critiques": "assessments", "critics": "assessments",
              "criticized": "assessments", "criticised": "assessments",
              "criticism": "assessments", "criticisms": "assessments",
              "program": "programs", "programs": "programs", "source": "sources",
              "sources": "sources", "pillars": "structures", "goals": "structures"}
@dataclass
class Hit:
    kind: str
    id: str
    title: str
    score: float
    record: dict
    snippet: str
    terms: list[str]
    close: bool = True

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title,
                "score": round(self.score, 1), "close": self.close, "record": self.record}


class Searcher:
    """Answers queries from the dataset's search index."""

    def __init__(self, ds):
        self.ds = ds
        self.store = ds.store
        self.index = ds.search_index

    def expand(self, words: list[str]) -> tuple[list[dict[str, float]], bool]:
        """Per query word, the indexed words it may mean with a similarity in 0..1:
        itself, words it begins (purchase -> purchases), and, for a word the index does
        not know, its near spellings (RapidFuzz `ratio` over the vocabulary).
        Also says whether any word needed the fuzzy step (a typo)."""
        expansions, vocabulary = [], None
        for word in words:
            exp: dict[str, float] = {}
            known = self.index.has_term(word)
            if known:
                exp[word] = 1.0
            if len(word) >= 3:
                for term in self.index.terms_starting(word, MAX_PREFIX_TERMS):
                    exp.setdefault(term, 0.9)
            stem = _stem(word)
            if stem != word:  # militarization -> militariz -> militarized
                for term in self.index.terms_starting(stem, MAX_STEM_TERMS):
                    exp.setdefault(term, 0.85)
            for synonym in self.synonyms(word):  # guns -> firearms, weapons, arms
                if self.index.has_term(synonym):
                    exp.setdefault(synonym, 0.85)
            for english in SPANISH.get(word, "").split():  # soberania -> sovereignty
                if self.index.has_term(english):
                    exp.setdefault(english, 0.9)
            if not known and len(word) >= 4:
                from rapidfuzz import fuzz, process

                if vocabulary is None:
                    vocabulary = self.index.vocabulary()
                cutoff = 80 if len(word) >= 6 else 75
                for term, score, _ in process.extract(word, vocabulary, scorer=fuzz.ratio,
                                                      score_cutoff=cutoff, limit=8):
                    exp.setdefault(term, score / 100 * 0.95)
            expansions.append(dict(sorted(exp.items(), key=lambda kv: -kv[1])))
        return expansions, vocabulary is not None

    def synonyms(self, word: str) -> list[str]:
        """One-word names of the topic this word names: its id and one-word aliases."""
        tid = self.ds.topic_names.get(word)
        if tid is None:
            return []
        topic = self.ds.get("topics", tid)
        names = [fold(n) for n in (tid, topic["label"], *topic.get("aliases", []))]
        return [n for n in names if n and " " not in n and n != word]

    def topics_named(self, phrase: str, fuzzy: bool) -> set[str]:
        """Topics (with their children) whose id, label or alias the query names."""
        names = self.ds.topic_names
        if phrase in names:
            return self.ds.topic_family(names[phrase])
        if fuzzy and len(phrase) >= 5:
            best = closest(phrase, names, cutoff=88, whole=True)
            if best:
                return self.ds.topic_family(best)
        return set()

    def search(self, query: str, kinds=None, limit: int = 10) -> list[Hit]:
        phrase = fold(query[:MAX_QUERY_CHARS])
        if not phrase:
            return []
        words = [w for w in phrase.split() if w not in STOPWORDS] or phrase.split()
        words = list(dict.fromkeys(words))[:MAX_QUERY_WORDS]
        expansions, typo = self.expand(words)
        topics = self.topics_named(phrase, fuzzy=typo)
        terms = {term for exp in expansions for term in exp}
        candidates: dict[int, None] = {}
        if terms:
            expression = " OR ".join(f'"{term}"' for term in sorted(terms))
            candidates.update(dict.fromkeys(self.index.match(expression, MAX_CANDIDATES)))
        exact = set(self.index.docs_named(phrase))
        candidates.update(dict.fromkeys(exact))
        if topics:
            candidates.update(dict.fromkeys(self.index.docs_with_topics(topics, MAX_CANDIDATES)))
        scored = []
        for row in self.index.doc_texts(list(candidates)):
            doc, kind, rid, title, doc_topics, names = row[:6]
            if kinds and kind not in kinds:
                continue
            score, matched, close = _score(row[6:], phrase, expansions,
                                           bool(topics & set(doc_topics)),
                                           doc in exact, names if typo else (),
                                           [KIND_WORDS.get(w) == kind for w in words])
            if score > 0:
                scored.append((score, kind, rid, title, matched, close))
        scored.sort(key=lambda s: (not s[5], -round(s[0], 1), KIND_RANK.get(s[1], 3),
                                   len(s[3]), s[2]))
        return [self._hit(*s) for s in scored[:limit]]

    def _hit(self, score, kind, rid, title, matched, close) -> Hit:
        record = self.ds.item(rid) if kind == "items" else self.store.get(kind, rid)
        if record is None:  # the search index names a record the cache does not hold
            raise StoreError(f"search document {kind} '{rid}' has no record")
        return Hit(kind, rid, title, score, record, snippet(record, title, matched), matched,
                   close)


def _score(texts, phrase, expansions, topic_hit, exact, names,
           kind_named) -> tuple[float, list[str], bool]:
    """Coverage of the query words (0-100, by field weight) plus 100 per tier, the words
    matched, and whether the record is a close match (CLOSE_SHARE) or a guess."""
    padded = [f" {text} " for text in texts]
    total, matched, found = 0.0, [], 0
    for exp, names_kind in zip(expansions, kind_named):
        best, best_term = (1.0, None) if names_kind else (0.0, None)
        for term, sim in exp.items():  # most similar first
            if sim <= best:
                break
            needle = f" {term} "
            for text, weight in zip(padded, FIELD_WEIGHTS):  # heaviest field first
                if sim * weight > best and needle in text:
                    best, best_term = sim * weight, term
                    break
        total += best
        found += best > 0
        if best_term:
            matched.append(best_term)
    coverage = 100 * total / len(expansions)
    if topic_hit:
        coverage = max(coverage, 80.0)
    if coverage < MIN_COVERAGE and not exact:
        return 0.0, matched, False
    title_text, _topics, body_text, quote_text = texts
    if exact:
        tier = TIER_EXACT
    elif _has_phrase(title_text, phrase) or _near_name(phrase, names):
        tier = TIER_TITLE_PHRASE
    elif _has_phrase(body_text, phrase) or _has_phrase(quote_text, phrase):
        tier = TIER_PHRASE
    else:
        tier = 0
    close = bool(tier or topic_hit or found >= math.ceil(CLOSE_SHARE * len(expansions)))
    return tier * 100 + min(coverage, 100.0), matched, close


def _stem(word: str) -> str:
    """A light English stem for prefix matching: appropriate -> appropriat, traced -> trac."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} " or (len(phrase) >= 4 and phrase in text)


def _near_name(phrase: str, names) -> bool:
    if len(phrase) < 5 or not names:
        return False
    from rapidfuzz import fuzz

    return any(fuzz.ratio(phrase, name) >= NEAR_NAME for name in names)


def snippet(record: dict, title: str, terms: list[str], width: int = 100) -> str:
    """A short passage of the record around the first matched word."""
    texts = [record.get(k) for k in ("summary", "text", "description")]
    texts += [c["quote"] for c in record.get("cite", [])]
    texts = [t for t in texts if isinstance(t, str) and t != title]
    for text in texts:
        folded = fold(text)
        for term in terms:
            if f" {term} " in f" {folded} ":
                return excerpt(text, folded.find(term), width)
    return excerpt(texts[0], 0, width) if texts else ""

