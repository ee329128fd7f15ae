"""verify and coverage against the real source texts; a tampered quote fails; a text with
bad bytes, a byte-order mark, or one that is not a readable file is decoded or skipped."""

from __future__ import annotations

import pytest
from conftest import SEEDS, SOURCES, needs_shared, run_cli, write_pack
from helpers import AUDIT_TRACING_STALLED, GOOD, clean, small_pack

SEED_SOURCES = ["olson", "garza-leutert", "pfeiffer-oped", "news-2017", "insightcrime-kingpin"]


@needs_shared
def test_every_builtin_quote_verifies(cli):
    result = cli("verify", "--texts", SEEDS, "--texts", SOURCES)
    assert result.code == 0, result.out[:2000]
    assert "quotes verified" in result.err


def test_tampered_quote_fails(cli, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_text("Here is a quote, with “curly” marks — and a dash.\n")
    good = GOOD.replace('quote: "a quote"', 'quote: "a quote, with \\"curly\\" marks - and"')
    pack = write_pack(tmp_path / "p", {"a.yaml": good})
    assert cli("--no-builtin", "--data", pack, "verify", "--texts", texts).code == 0
    bad = write_pack(tmp_path / "q", {"a.yaml": good.replace("marks - and", "marks - or")})
    result = cli("--no-builtin", "--data", bad, "verify", "--texts", texts)
    assert result.code == 1
    assert "plan: quote not found in notes.txt" in result.out
    assert "trace: quote not found in notes.txt" in result.out


def test_no_text_found_at_all_fails(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": GOOD})
    empty = tmp_path / "none"
    empty.mkdir()
    result = cli("--no-builtin", "--data", pack, "verify", "--texts", empty)
    assert result.code == 1 and "no quote could be checked" in result.err
    assert "skipped: 2 quote(s) of 'notes': notes.txt is not in" in result.err


@needs_shared
def test_verify_against_the_seeds_alone(cli):
    """CI's `merida verify --texts ../shared/seeds`: official texts are elsewhere, so their
    quotes are skipped and counted, and every seed quote must verify."""
    result = cli("verify", "--texts", SEEDS)
    assert result.code == 0, result.out[:2000]
    assert result.out == ""
    assert "skipped" in result.err and "quotes verified" in result.err


def test_verify_texts_must_be_a_directory(cli, tmp_path):
    result = cli("verify", "--texts", tmp_path / "nope")
    assert result.code == 2 and "not a directory" in result.err


@needs_shared
def test_source_files_match_by_sha256(cli):
    import hashlib

    sources = cli("sources", "--json").json()
    for source in sources:
        folder = SEEDS if (SEEDS / source["file"]).exists() else SOURCES
        digest = hashlib.sha256((folder / source["file"]).read_bytes()).hexdigest()
        assert source["sha256"] == digest, source["id"]


@needs_shared
@pytest.mark.parametrize("source", SEED_SOURCES)
def test_every_numbered_or_dated_sentence_of_a_seed_is_cited_or_skipped(cli, source):
    result = cli("coverage", source, "--texts", SEEDS, "--json")
    assert result.code == 0, "\n".join(result.json()["uncited_sentences"])
    assert result.json()["uncited_sentences"] == []


def test_coverage_lists_an_uncited_sentence(cli, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_text("It has a quote. In 2024 there were 5 cases. No number.")
    pack = write_pack(tmp_path / "p", {"a.yaml": GOOD.replace('"a quote"', '"It has a quote."')})
    result = cli("--no-builtin", "--data", pack, "coverage", "notes", "--texts", texts, "--json")
    assert result.code == 1
    assert result.json()["uncited_sentences"] == ["In 2024 there were 5 cases."]


def test_coverage_skip_file_gives_reasons():
    from merida_cli.coverage import skip_rules

    rules = skip_rules()
    assert rules and all(r.get("reason") for rs in rules.values() for r in rs)
    assert sum(len(rs) for rs in rules.values()) <= 12


FOLLOW_THROUGH = """\
sources:
  - {id: notes, title: Notes, file: notes.txt, date: "2015"}
  - {id: audit, title: Audit, file: audit.txt, date: "2020-05"}
programs:
  - {id: new, name: The new framework, type: framework, start: "2011",
     cite: [{source: notes, quote: the new framework}]}
structures:
  - id: new-pledges
    program: new
    label: Pledges of 2012
    adopted: "2012-06-01"
    commitments: true
    cite: [{source: notes, quote: pledges of 2012}]
    items:
      - {id: new-pledge-arms, number: 1, title: Trace seized arms,
         cite: [{source: notes, quote: trace seized arms}]}
assessments:
""" + AUDIT_TRACING_STALLED


@pytest.mark.parametrize("audit_text, code", [
    ("Since then tracing has stalled since 2018, the audit says.\n", 0),
    ("Since then tracing has stalled, the audit says.\n", 1)], ids=["holds", "missing"])
def test_a_follow_through_quote_is_verified_like_a_citation(cli, tmp_path, audit_text, code):
    """A `reports_on` link's quote (here from the record's default source) is checked
    against its text: a link whose quote is not in the text fails verify, by record id."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_text("Under the new framework the pledges of 2012 were to "
                                     "trace seized arms.\n")
    (texts / "audit.txt").write_text(audit_text)
    pack = write_pack(tmp_path / "p", {"a.yaml": FOLLOW_THROUGH})
    result = cli("--no-builtin", "--data", pack, "verify", "--texts", texts)
    assert result.code == code, result.out + result.err
    if code:
        assert ('audit-tracing-stalled: quote not found in audit.txt: '
                '"tracing has stalled since 2018"') in result.out
    else:
        assert "ok: 5 quotes verified" in result.err


# ---- hostile source texts -----------------------------------------------------------

def test_a_text_with_invalid_bytes_is_read_with_replacement_characters(tmp_path):
    pack = small_pack(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_bytes(b"Bad \xff\xfe bytes. In 2020 we wrote a quote.\n"
                                      b"In 2021 nothing \xc3.\n")
    verified = clean(run_cli("--no-builtin", "--data", pack, "verify", "--texts", texts))
    assert verified.code == 0 and "2 quotes verified" in verified.err, verified.err
    covered = clean(run_cli("--no-builtin", "--data", pack, "coverage", "notes", "--texts",
                             texts, "--json"))
    assert covered.code == 1 and covered.json()["uncited_sentences"] == ["In 2021 nothing \ufffd."]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_text_with_a_byte_order_mark_is_decoded(tmp_path, encoding):
    import codecs

    pack = small_pack(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    (texts / "notes.txt").write_bytes(bom + "Here is a quote, in 2020.\n".encode(encoding))
    verified = clean(run_cli("--no-builtin", "--data", pack, "verify", "--texts", texts))
    assert verified.code == 0 and "2 quotes verified" in verified.err, verified.err


@pytest.mark.parametrize("kind", ["fifo", "dangling-link", "link-to-fifo", "huge"])
def test_an_unreadable_text_is_skipped_with_a_warning(tmp_path, kind):
    import os

    pack = small_pack(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "other.txt").write_text("a quote\n")
    target = texts / "notes.txt"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dangling-link":
        target.symlink_to(tmp_path / "gone.txt")
    elif kind == "link-to-fifo":
        os.mkfifo(tmp_path / "fifo")
        target.symlink_to(tmp_path / "fifo")
    else:
        with open(target, "wb") as handle:
            handle.truncate(100 * 1024 * 1024)
    for command in (["verify", "--texts", texts], ["coverage", "notes", "--texts", texts]):
        result = clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code in (1, 2) and "notes.txt: skipped:" in result.err, result.err
