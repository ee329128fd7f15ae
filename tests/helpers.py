"""Helpers and fixture packs shared by test modules, which never import each other."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli, write_pack

GOOD = """\
sources:
  - id: notes
    title: My notes
    date: "2024-05"
    file: notes.txt
topics:
  - id: guns
    label: Guns
    aliases: [firearms]
programs:
  - id: plan
    name: A plan
    topics: [guns]
    cite:
      - source: notes
        quote: "a quote"
recommendations:
  - id: trace
    text: Trace guns
    actor: Me
    topics: [guns]
    programs: [plan]
    cite:
      - source: notes
        quote: "a quote"
"""


# a comment with an anchor-like token sends a file to the strict reader
STRICT_MARK = "# &strict\n"


def clean(result):
    """`result`, once checked to hold no traceback and no "a bug in merida" message."""
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    return result


def small_pack(tmp_path):
    """The GOOD pack in tmp_path/pack."""
    return write_pack(tmp_path / "pack", {"a.yaml": GOOD})


def title_pack(tmp_path, title):
    """One source whose title and summary are `title` (JSON: any string as it is)."""
    rec = {"id": "notes", "title": title, "file": "notes.txt", "summary": title}
    return write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [rec]})})


def undecodable(folder, name: bytes):
    """The path of `name` (bytes that need not be UTF-8) in `folder`, as Python names it."""
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


# one source whose title is written as given (a YAML value to read one way)
TITLED_SOURCE = """\
sources:
  - id: notes
    title: {title}
    file: notes.txt
"""

# a structure with items and a funding line; {item_id} names the second item
RICH = """\
sources:
  - id: notes
    title: My notes
    file: notes.txt
programs:
  - id: plan
    name: A plan
    cite: [{source: notes, quote: q}]
structures:
  - id: plan-s
    program: plan
    label: Pillars
    items:
      - id: p1
        title: One
        cite: [{source: notes, quote: q}]
      - id: {item_id}
        parent: p1
        title: One one
        cite: [{source: notes, quote: q}]
    cite: [{source: notes, quote: q}]
funding:
  - id: f2
    title: Money
    program: plan
    measure: appropriation
    amount_usd: 1500000
    as_of: 2011
    cite: [{source: notes, quote: q}]
"""

# a source and a recommendation citing it, each field written as given
NOTES_SOURCE = """\
sources:
  - id: notes
    title: "{title}"
    author: "{author}"
    file: notes.txt
    type: report
"""
NOTES_REC = """\
recommendations:
  - id: r1
    text: Trace guns
    actor: "{actor}"
    cite:
      - source: notes
        quote: "{quote}"
"""


def notes_pack(tmp_path, title="Notes", author="Ana B. Writer", actor="Someone", quote="q"):
    """NOTES_SOURCE and NOTES_REC with these fields, in tmp_path/p."""
    text = (NOTES_SOURCE.format(title=title, author=author)
            + NOTES_REC.format(actor=actor, quote=quote))
    return write_pack(tmp_path / "p", {"a.yaml": text})


def run_on_pack(*args, pack):
    """`merida --no-builtin --data PACK ARGS`, in-process."""
    return run_cli("--no-builtin", "--data", pack, *args)


# the brief fixture pack (tests/test_brief.py, tests/test_extras.py): a plan with money,
# events and texts, and the text of its source `notes` (all but one quote are in it)
BRIEF_TEXT = ("The plan began in 2008. Congress gave $100 million in 2009. "
              "By 2012 the total had reached $300 million. Critics said the plan failed.")
BRIEF_PACK = """\
sources:
  - id: notes
    title: Notes on the plan
    author: Ana B. Writer
    publisher: A Think Tank
    date: "2013"
    file: notes.txt
    type: report
topics:
  - id: guns
    label: Guns
  - id: money
    label: Money
programs:
  - id: plan
    name: The Plan
    summary: A plan that began in 2008.
    start: "2008"
    topics: [guns]
    cite:
      - source: notes
        quote: "The plan began in 2008."
        page: 1
structures:
  - id: plan-goals
    program: plan
    label: Two goals
    adopted: "2009"
    items:
      - id: plan-goal-1
        number: 1
        title: Fewer guns
        cite:
          - source: notes
            quote: "The plan began in 2008."
    cite:
      - source: notes
        quote: "The plan began in 2008."
funding:
  - id: plan-2009
    title: Appropriation 2009
    program: plan
    measure: appropriation
    amount_usd: 100000000
    fiscal_years: FY2009
    as_of: "2013"
    topics: [money]
    cite:
      - source: notes
        quote: "Congress gave $100 million in 2009."
  - id: plan-total-2012
    title: Total by 2012
    program: plan
    measure: cumulative-appropriation
    amount_usd: 300000000
    fiscal_years: FY2009-FY2012
    as_of: "2013"
    conflicts_with: [plan-2009]
    cite:
      - source: notes
        quote: "By 2012 the total had reached $300 million."
events:
  - id: plan-start
    title: The plan begins
    date: "2008"
    date_inferred: true
    alt_dates:
      - date: "2009"
        source: notes
    programs: [plan]
    topics: [guns]
    cite:
      - source: notes
        quote: "The plan began in 2008."
recommendations:
  - id: more-tracing
    text: Trace more guns
    actor: Ana B. Writer (A Think Tank)
    programs: [plan]
    topics: [guns]
    cite:
      - source: notes
        quote: "Critics said the plan failed."
assessments:
  - id: plan-failed
    text: The plan failed
    about: plan
    actor: Critics
    stance: negative
    cite:
      - source: notes
        quote: "Critics said the plan failed."
  - id: plan-misquoted
    text: The plan worked
    about: plan
    actor: Fans
    stance: positive
    cite:
      - source: notes
        quote: "The plan worked wonderfully."
"""

# the audit's report that tracing seized arms (new-pledge-arms) has stalled: one record of
# the commitments pack (tests/test_commitments.py) and of the follow-through pack
# (tests/test_verify.py)
AUDIT_TRACING_STALLED = """\
  - id: audit-tracing-stalled
    text: The audit found arms tracing had stalled
    about: new
    actor: The auditor
    stance: negative
    source: audit
    reports_on:
      - {commitment: new-pledge-arms, status: stalled, quote: tracing has stalled since 2018}
    cite: [{source: audit, quote: tracing has stalled}]
"""

# the compare fixture pack (tests/test_compare.py)
COMPARE_PACK = """\
sources:
  - id: notes
    title: Notes
    file: notes.txt
topics:
  - {id: guns, label: Guns}
  - {id: courts, label: Courts}
  - {id: police, label: Police, parent: courts}
  - {id: health, label: Health}
  - {id: money, label: Money}
  - {id: gear, label: Gear}
  - {id: elsewhere, label: Elsewhere}
programs:
  - id: old
    name: The old initiative
    type: initiative
    start: "2000"
    end: "2010"
    cite: [{source: notes, quote: old}]
  - id: new
    name: The new framework
    type: framework
    start: "2011"
    cite: [{source: notes, quote: new}]
  - id: sub
    name: A sub-program of old
    type: sub-program
    parent: old
    topics: [elsewhere]
    cite: [{source: notes, quote: sub}]
  - id: bare
    name: A framework with no structure
    type: framework
    topics: [guns]
    cite: [{source: notes, quote: bare}]
structures:
  - id: old-aims
    program: old
    label: Aims
    adopted: "2000"
    cite: [{source: notes, quote: aims}]
    items:
      - {id: old-aim-1, number: 1, title: Stop guns, topics: [guns],
         cite: [{source: notes, quote: guns}]}
      - {id: old-aim-2, number: 2, title: Treat addiction, topics: [health],
         cite: [{source: notes, quote: health}]}
  - id: old-pillars
    program: old
    label: Pillars
    adopted: "2005"
    current: true
    cite: [{source: notes, quote: pillars}]
    items:
      - {id: old-pillar-1, number: 1, title: Seize guns, topics: [guns],
         cite: [{source: notes, quote: seize}]}
      - {id: old-pillar-2, number: 2, title: Courts and gear, topics: [courts, gear],
         cite: [{source: notes, quote: courts}]}
  - id: new-goals
    program: new
    label: Goals
    adopted: "2011-06"
    current: true
    cite: [{source: notes, quote: goals}]
    items:
      - {id: new-goal-1, number: 1, title: Guns and money, topics: [guns, money],
         cite: [{source: notes, quote: money}]}
      - {id: new-goal-2, number: 2, title: Justice, topics: [courts],
         cite: [{source: notes, quote: justice}]}
      - {id: new-goal-3, number: 3, title: Public health, topics: [health],
         cite: [{source: notes, quote: public health}]}
  - id: new-plan
    program: new
    label: Plan
    adopted: "2015"
    cite: [{source: notes, quote: plan}]
    items:
      - {id: new-plan-1, number: "1.1", title: Train police, topics: [police],
         cite: [{source: notes, quote: police}]}
recommendations:
  - {id: rec-guns, text: Trace guns, actor: Me, source: notes, topics: [guns],
     cite: [{source: notes, quote: trace}]}
  - {id: rec-police, text: Vet police, actor: Me, source: notes, topics: [police],
     cite: [{source: notes, quote: vet}]}
  - {id: rec-elsewhere, text: Do the sub-program's thing, actor: Me, source: notes,
     topics: [elsewhere], cite: [{source: notes, quote: thing}]}
"""

# ---- the renderer's fixture pack and a real terminal (tests/test_render.py) ----

MERIDA = Path(sys.executable).parent / "merida"
needs_merida = pytest.mark.skipif(not MERIDA.exists() or sys.platform == "win32",
                                  reason="needs the installed .venv/bin/merida and a pty")
SPAWN_TIMEOUT_S = 60

RENDER_PROGRAM = "cooperation-framework-for-shared-security-priorities"
RENDER_NOTES = "notes-on-security-cooperation-between-neighbours"
RENDER_CITE = f"""    cite:
      - source: {RENDER_NOTES}
        quote: "a quote"
"""
RENDER_EVIL_CITE = """    cite:
      - source: evil
        quote: "evil"
"""
RENDER_PACK = f"""\
sources:
  - id: {RENDER_NOTES}
    title: "Notes [sic] on cooperation [emphasis added] between neighbours"
    date: "2024-05"
    file: notes.txt
  - id: evil
    title: "Evil title \\u2066isolated\\u2069 and \\u202eright-to-left\\u202c zero\\u200bwidth"
    file: evil.txt
topics:
  - id: organized-crime
    label: Organized crime
    aliases: [cartels, transnational criminal organizations]
  - id: intelligence-sharing
    label: Intelligence sharing
  - id: extradition
    label: Extradition
  - id: markup
    label: "Markup [/] and [bold red]styled[/bold red] and [link=https://evil.example]a link[/link]"
programs:
  - id: {RENDER_PROGRAM}
    name: Cooperation framework for shared security priorities
    start: "2021"
    topics: [organized-crime]
{RENDER_CITE}structures:
  - id: framework-goals
    program: {RENDER_PROGRAM}
    label: Goals
    adopted: "2021-10"
    current: true
{RENDER_CITE}    items:
      - id: framework-goal-protect-communities-from-organized-criminality
        number: 1
        title: "Protect communities from organized criminality [sic]"
        summary: "Institutionalizing prevention programmes, counter-narcotics \
intelligence-sharing and accountability"
        topics: [organized-crime, intelligence-sharing]
        cite:
          - source: {RENDER_NOTES}
            quote: "a quote"
      - id: framework-goal-markup
        number: 2
        title: "Tabs\\tand\\nnewlines [bold red]bold[/bold red] [/]"
        topics: [markup]
        cite:
          - source: evil
            quote: "evil"
funding:
  - id: framework-appropriation-fiscal-years-2022-2023-counternarcotics
    title: Appropriation for the framework
    program: {RENDER_PROGRAM}
    measure: appropriation
    amount_usd: 1400000000
    fiscal_years: FY2022-FY2023
    account: International Narcotics Control and Law Enforcement
    recipient: mexico
    as_of: "2023-09-30"
    source: {RENDER_NOTES}
{RENDER_CITE}recommendations:
  - id: neighbours-recommend-intelligence-sharing-on-organized-crime-2022
    text: "Share intelligence on organized-crime networks and counter-narcotics finance \
[emphasis added], institutionalizing accountability"
    actor: "Notes authors (Department of Extraordinarily-Long-Hyphenated-Names)"
    source: {RENDER_NOTES}
    topics: [organized-crime, intelligence-sharing, markup]
    programs: [{RENDER_PROGRAM}]
{RENDER_CITE}  - id: evil-rec
    text: "[link=https://evil.example]click[/link] [red]red[/red] \\u202eevil"
    actor: "[bold]Someone[/bold]"
    source: evil
    topics: [markup]
{RENDER_EVIL_CITE}  - id: extradite-more-suspects
    text: Extradite more suspects
    actor: Notes authors
    topics: [extradition]
{RENDER_CITE}events:
  - id: framework-adopted-at-the-high-level-security-dialogue
    title: Framework adopted at the High-Level Security Dialogue in Mexico City
    date: "2021-10-08"
    programs: [{RENDER_PROGRAM}]
    source: {RENDER_NOTES}
{RENDER_CITE}figures:
  - id: homicides-recorded-nationally-in-the-reference-year
    label: Homicides recorded nationally in the reference year
    value: 34000
    unit: homicides
    qualifier: about
    period: "2021"
    place: Mexico
    source: {RENDER_NOTES}
{RENDER_CITE}assessments:
  - id: neighbours-assess-the-framework-as-institutionalizing-accountability
    text: The framework is institutionalizing accountability but counter-narcotics \
intelligence-sharing lags
    about: {RENDER_PROGRAM}
    actor: Notes authors
    stance: mixed
    source: {RENDER_NOTES}
{RENDER_CITE}"""

SGR = re.compile(r"\x1b\[[0-9;]*m")


def spawn(argv, columns: int | None = 80, rows: int = 200, env=None, tty_stdout=True,
          tty_stdin=True):
    """Run the installed `merida` on a pseudo-terminal of the given size (COLUMNS unset
    unless env sets it); returns (exit code, stdout text with \\r\\n as \\n, stderr)."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns or 80, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PAGER",
                                                                 "MERIDA_PAGER", "NO_COLOR")}
    environ.update({"TERM": "xterm-256color"}, **(env or {}))
    proc = subprocess.Popen([str(MERIDA), *map(str, argv)],
                            stdin=slave if tty_stdin else subprocess.DEVNULL,
                            stdout=slave if tty_stdout else subprocess.PIPE,
                            stderr=subprocess.PIPE, env=environ, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + SPAWN_TIMEOUT_S
    try:
        if tty_stdout:
            while True:
                ready, _, _ = select.select([master], [], [], max(0, deadline - time.monotonic()))
                if not ready:
                    raise AssertionError(f"merida {argv} did not finish in {SPAWN_TIMEOUT_S} s")
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
        else:
            out = proc.stdout.read()
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    err = proc.stderr.read().decode("utf-8", "replace")
    return code, out.decode("utf-8", "replace").replace("\r\n", "\n"), err


def whole(word: str, text: str) -> bool:
    """`word` occurs in `text` with no letter, digit or hyphen glued to either side."""
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None
