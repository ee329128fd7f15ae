"""scripts/claimcheck.py, the standing claim check: a reviewer sees each drawn record's
claim beside its quotes, each marked »…« in its own paragraph of the source text, and the
same seed draws the same records again."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO, SEEDS, SOURCES, needs_shared, write_pack

from merida_cli.text import locate_quote, normalize_quote, normalized_with_offsets

SCRIPT = REPO / "scripts" / "claimcheck.py"

PACK = """\
sources:
  - id: report
    title: A report
    date: "2020-01-02"
    file: report.txt
  - id: page
    title: A web page
    file: page.txt
  - id: lost
    title: A text nobody kept
    file: lost.txt
topics:
  - id: guns
    label: Guns
programs:
  - id: plan
    name: A plan
    topics: [guns]
    cite:
      - source: report
        quote: "The plan began in 2008"
structures:
  - id: plan-goals
    program: plan
    label: Goals of the plan
    cite:
      - source: report
        quote: "It had two goals"
    items:
      - id: goal-trace
        number: 1
        title: Trace guns
        topics: [guns]
        cite:
          - source: report
            quote: "tracing every gun"
events:
  - id: plan-launched
    title: The plan is launched
    date: "2008-10"
    programs: [plan]
    cite:
      - source: report
        quote: "launched in October 2008 by both governments"
assessments:
  - id: plan-works
    text: The plan works
    about: plan
    actor: An analyst (as reported by a web page)
    stance: positive
    cite:
      - source: page
        quote: "the plan has worked"
  - id: plan-misquoted
    text: The plan failed
    about: plan
    actor: A critic
    stance: negative
    cite:
      - source: page
        quote: "the plan has failed"
figures:
  - id: guns-traced
    label: Guns traced
    value: 12000
    unit: firearms
    cite:
      - source: lost
        quote: "12,000 guns were traced"
"""

REPORT = """\
Summary

The plan began in 2008 and was
launched in October 2008 by both
governments. It had two goals,
tracing every gun and more.

Funding

Congress gave money in 2009.
"""

PAGE = ("An analyst says that, after years of effort and against the odds of a hard border "
        "and a harder politics, the plan has worked better than anyone expected, and that "
        "the governments should now keep it going for many more years to come.\n"
        "A second paragraph of the page, about something else entirely, that no quote "
        "drawn here comes from; it is long enough to be web copy of one paragraph a line.\n")

IDS = ["plan", "plan-goals", "goal-trace", "plan-launched", "plan-works", "plan-misquoted",
       "guns-traced"]


@pytest.fixture
def fixture(tmp_path):
    pack = write_pack(tmp_path / "pack", {"pack.yaml": PACK})
    texts = write_pack(tmp_path / "texts", {"report.txt": REPORT, "page.txt": PAGE})
    return pack, texts


def claimcheck(fixture, *args):
    pack, texts = fixture
    return subprocess.run([sys.executable, str(SCRIPT), "--no-builtin", "--data", str(pack),
                           "--texts", str(texts), *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False)


def blocks(out: str) -> dict[str, str]:
    """Each printed record's block, by record id."""
    found = re.split(r"^=== \d+/\d+ · ", out, flags=re.MULTILINE)[1:]
    return {b.split(" · ", 2)[1].split()[0]: b for b in found}


def drawn(out: str) -> list[str]:
    return re.findall(r"^=== \d+/\d+ · [\w-]+ · ([\w-]+) ", out, flags=re.MULTILINE)


def flat(block: str) -> str:
    return " ".join(block.split())


def test_each_claim_is_shown_beside_its_quote_marked_in_its_paragraph(fixture):
    result = claimcheck(fixture, "--n", 60, "--seed", 1)
    assert result.returncode == 0, result.stderr
    assert sorted(drawn(result.stdout)) == sorted(IDS)  # fewer than --n: every one
    shown = {rid: flat(b) for rid, b in blocks(result.stdout).items()}
    launched = shown["plan-launched"]
    assert "title: The plan is launched" in launched and "date: 2008-10" in launched
    assert "quote: “launched in October 2008 by both governments”" in launched
    assert ("paragraph: The plan began in 2008 and was »launched in October 2008 by both "
            "governments«. It had two goals, tracing every gun and more.") in launched
    assert "Congress gave money" not in launched  # the next paragraph is not this one
    works = shown["plan-works"]
    assert "actor: An analyst (as reported by a web page)" in works
    assert "stance: positive" in works
    assert "against the odds of a hard border and a harder politics, »the plan has worked«" in works
    assert "A second paragraph" not in works  # web copy: one paragraph a line
    assert "structure: plan-goals (Goals of the plan)" in shown["goal-trace"]
    assert "»tracing every gun«" in shown["goal-trace"]
    assert "value: 12,000" in shown["guns-traced"]


def test_a_quote_without_its_text_or_not_in_it_says_so(fixture):
    shown = {rid: flat(b) for rid, b in blocks(claimcheck(fixture, "--seed", 2).stdout).items()}
    assert "paragraph: (text lost.txt not in the --texts folders)" in shown["guns-traced"]
    assert "QUOTE NOT FOUND in page.txt" in shown["plan-misquoted"]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(fixture):
    first = claimcheck(fixture, "--n", 3, "--seed", 7)
    again = claimcheck(fixture, "--n", 3, "--seed", 7)
    assert first.returncode == 0 and len(drawn(first.stdout)) == 3
    assert again.stdout == first.stdout
    samples = {tuple(drawn(claimcheck(fixture, "--n", 2, "--seed", s).stdout)) for s in range(6)}
    assert len(samples) > 1


def test_without_a_seed_a_fresh_one_is_printed_and_reproduces_the_draw(fixture):
    result = claimcheck(fixture, "--n", 3)
    seed = re.search(r"seed (\d+) \(the same draw again: --seed \1\)", result.stdout.splitlines()[0])
    assert seed, result.stdout.splitlines()[0]
    assert drawn(claimcheck(fixture, "--n", 3, "--seed", seed.group(1)).stdout) == \
        drawn(result.stdout)


def test_kind_draws_only_that_kind(fixture):
    result = claimcheck(fixture, "--kind", "assessments", "--seed", 3)
    assert sorted(drawn(result.stdout)) == ["plan-misquoted", "plan-works"]
    assert result.stdout.startswith("claimcheck: 2 of 2 cited records of kind assessments")


@pytest.mark.parametrize("args, words", [
    (("--kind", "opinions"), "no cited records of kind 'opinions' (kinds: assessments, events"),
    (("--n", 0), "--n: must be at least 1"),
    (("--seed", "x"), "--seed: invalid int value"),
])
def test_usage_errors_exit_2_naming_the_argument(fixture, args, words):
    result = claimcheck(fixture, *args)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_invalid_pack_is_one_error_naming_the_file_exit_1(fixture, tmp_path):
    bad = write_pack(tmp_path / "bad", {"bad.yaml": "events:\n  - id: x\n"})
    result = subprocess.run([sys.executable, str(SCRIPT), "--no-builtin", "--data", str(bad)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "bad.yaml" in result.stderr and "Traceback" not in result.stderr


# ---- locating a quote the way verify matches it ------------------------------------------

@pytest.mark.parametrize("text, quote, found", [
    ("He said “Mérida’s  plan”\nwas good.", "Merida's plan\" was", "Mérida’s  plan”\nwas"),
    ("the anti-\ncrime work", "anti-crime work", "anti-\ncrime work"),
    ("a\u00a0b c", "a b", "a\u00a0b"),
    ("nothing here", "absent", None),
])
def test_locate_quote_returns_the_original_stretch(text, quote, found):
    span = locate_quote(text, quote)
    assert (text[span[0]:span[1]] if span else None) == found


@needs_shared
def test_offsets_normalise_every_shared_text_as_verify_does():
    for path in sorted(SEEDS.iterdir()) + sorted(SOURCES.iterdir()):
        text = path.read_text(encoding="utf-8")
        folded, offsets = normalized_with_offsets(text)
        assert folded.strip() == normalize_quote(text), path.name
        assert len(offsets) == len(folded)
