"""Hostile input, round two (issue 16): one meaning per YAML value, numbers and text,
streams, injection into other programs, arguments and paths, the cache, bounded work,
source texts. Each case has a readable id; writes are covered in test_safewrite.py."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli, write_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_loader import GOOD

from merida_cli.errors import DataError
from merida_cli.yamlsafe import dump_yaml, parse_yaml, parse_yaml_fast

SOURCE = """\
sources:
  - id: notes
    title: {title}
    file: notes.txt
"""
# a comment with an anchor-like token sends a file to the strict reader
STRICT_MARK = "# &strict\n"


def _clean(result):
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    return result


def _show_title(tmp_path, name, text):
    pack = write_pack(tmp_path / name, {"a.yaml": text})
    return _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))


# ---- 1. two YAML readers, one meaning ------------------------------------------------

# (id, value as written in a string field, the text it must hold)
ONE_MEANING = [
    ("sexagesimal", "1:30", "1:30"),
    ("leading-zero", "010", "010"),
    ("octal-1.1", "0755", "0755"),
    ("yes", "yes", "yes"),
    ("on", "on", "on"),
    ("exponent", "1e3", "1e3"),
    ("exponent-dot", "1.0e3", "1.0e3"),
    ("octal-1.2", "0o17", "0o17"),
    ("hex", "0x1F", "0x1F"),
    ("binary", "0b101", "0b101"),
    ("plus-sign", "+12", "+12"),
    ("minus-zero", "-0", "-0"),
    ("underscore", "1_000", "1_000"),
    ("trailing-dot", "1.", "1."),
    ("float-zeros", "1.50", "1.50"),
    ("date", "2014-09-26", "2014-09-26"),
    ("huge-int", "9" * 400, "9" * 400),
    ("overflowing-float", "1e400", "1e400"),
    ("inf", ".inf", ".inf"),
    ("plain-int", "2021", "2021"),
]


@pytest.mark.parametrize("written,expected", [c[1:] for c in ONE_MEANING],
                         ids=[c[0] for c in ONE_MEANING])
def test_a_string_field_holds_the_text_as_written_through_both_readers(tmp_path, written,
                                                                        expected):
    text = SOURCE.format(title=written)
    fast = _show_title(tmp_path, "fast", text)
    strict = _show_title(tmp_path, "strict", text + STRICT_MARK)
    assert fast.code == strict.code == 0, (fast.err, strict.err)
    assert fast.json()["record"]["title"] == strict.json()["record"]["title"] == expected


LABELS = [("leading-zero", "010", "010"), ("octal", "0o17", "0o17"), ("hex", "0x1F", "0x1F"),
          ("plus", "+3", "+3"), ("plain", "3", 3), ("dotted", "1.1.2", "1.1.2"),
          ("sexagesimal", "1:30", "1:30")]


@pytest.mark.parametrize("written,expected", [c[1:] for c in LABELS], ids=[c[0] for c in LABELS])
def test_an_item_number_is_kept_as_written_through_both_readers(tmp_path, written, expected):
    text = RICH.replace("{item_id}", "p2").replace("      - id: p1\n",
                                                   f"      - id: p1\n        number: {written}\n")
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = _clean(run_cli("--no-builtin", "--data", pack, "show", "p1", "--json"))
        assert result.code == 0, (name, result.err)
        assert result.json()["record"]["number"] == expected, name


def test_list_entries_keep_their_text_through_both_readers(tmp_path):
    text = GOOD.replace("aliases: [firearms]", "aliases: [1e3, 010, yes, +1, 0x1F, 1:30]")
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = _clean(run_cli("--no-builtin", "--data", pack, "topics", "--json"))
        assert result.code == 0, (name, result.err)
        assert result.json()[0]["aliases"] == ["1e3", "010", "yes", "+1", "0x1F", "1:30"], name


# (id, a line for a structure's `current` (a bool) or an item's `number`, error fragment)
TYPED = [
    ("bool-yes", "current: yes", "field 'current' must be true or false, got 'yes'"),
    ("bool-on", "current: on", "field 'current' must be true or false, got 'on'"),
    ("bool-explicit-tag", "current: !!bool yes", "not a valid !!bool"),
    ("int-explicit-tag", "current: !!int 0x", "not a valid !!int"),
]


@pytest.mark.parametrize("line,fragment", [c[1:] for c in TYPED], ids=[c[0] for c in TYPED])
def test_a_typed_field_has_one_meaning_or_fails_with_file_and_line(tmp_path, line, fragment):
    text = SOURCE.format(title="T") + f"""\
programs:
  - id: plan
    name: A plan
    cite: [{{source: notes, quote: q}}]
structures:
  - id: plan-s
    program: plan
    label: S
    {line}
    items:
      - id: one
        title: One
        cite: [{{source: notes, quote: q}}]
    cite: [{{source: notes, quote: q}}]
"""
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
        assert result.code == 1 and fragment in result.err, (name, result.err)
        assert f"a.yaml:{text.count(chr(10), 0, text.index(line)) + 1}:" in result.err


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_a_line_break_only_some_readers_see_fails_with_file_and_line(tmp_path, char):
    pack = write_pack(tmp_path / "p", {"a.yaml": SOURCE.format(title=f"a{char}b")})
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:3:" in result.err and f"U+{ord(char):04X}" in result.err


# (id, string that export must quote or escape so it loads back as the same string)
EXPORT_QUOTES = ["1e3", "0o17", "1:30", "yes", "010", "+12", "0x1F", ".inf", "null", "~",
                 "true", "1_000", "a\x85b", "a\u2028b", " padded ", "-0", "2014-09-26"]


@pytest.mark.parametrize("value", EXPORT_QUOTES, ids=[repr(v) for v in EXPORT_QUOTES])
def test_export_yaml_quotes_every_string_that_would_read_back_as_something_else(tmp_path,
                                                                               value):
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(
        {"sources": [{"id": "notes", "title": value, "file": "notes.txt"}]})})
    exported = _clean(run_cli("--no-builtin", "--data", pack, "export", "--format", "yaml"))
    assert exported.code == 0, exported.err
    for name, text in (("fast", exported.out), ("strict", exported.out + STRICT_MARK)):
        shown = _show_title(tmp_path, name, text)
        assert shown.code == 0, (name, shown.err)
        assert shown.json()["record"]["title"] == value, name


def _kind(value):
    for kind in (bool, int, float, str, type(None)):
        if isinstance(value, kind):
            return kind
    return type(value)


def _same(a, b) -> bool:
    """Equal, and of equal kinds (1 is not 1.0 is not '1'); NaN equals NaN."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return _kind(a) is _kind(b) and a == b


SCALARS = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=20),
    st.text(alphabet=st.sampled_from(list("0123456789+-._eExXoObB:~ yesnoYNtrufalI")),
            max_size=10),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63), st.floats(), st.booleans(),
    st.none())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=4), SCALARS,
                       max_size=6), st.lists(SCALARS, max_size=4))
def test_exported_yaml_reads_back_the_same_through_both_readers(mapping, items):
    data = {"m": mapping, "l": items}
    text = dump_yaml(data)
    strict = parse_yaml(text, "x.yaml")
    assert _same(strict, data), (text, strict)
    fast = parse_yaml_fast(text)
    assert fast is None or _same(fast, data), (text, fast)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789+-._eExXoObB:~ tTrRuUeEnNlLfFaAsS")),
               min_size=1, max_size=12))
def test_both_readers_give_a_plain_scalar_one_meaning(token):
    text = f"k: {token}\n"
    fast = parse_yaml_fast(text)
    try:
        strict = parse_yaml(text, "x.yaml")
    except DataError:
        assert fast is None
        return
    assert fast is None or _same(fast, strict), (token, fast, strict)


# ---- 2. numbers and text -------------------------------------------------------------

def _amount_pack(tmp_path, amount_json: str, suffix="json"):
    body = ('{"sources": [{"id": "notes", "title": "T", "file": "notes.txt"}],'
            ' "programs": [{"id": "plan", "name": "P", "cite": [{"source": "notes",'
            ' "quote": "q"}]}],'
            ' "funding": [{"id": "f", "title": "F", "program": "plan", "measure": "appropriation", "as_of": "2020", "amount_usd": '
            + amount_json + ', "cite": [{"source": "notes", "quote": "q"}]}]}')
    return write_pack(tmp_path / "p", {f"a.{suffix}": body})


NUMBERS = [
    ("json-19-digits", "9" * 19, "field 'amount_usd' must be a number up to"),
    ("json-400-digits", "9" * 400, "field 'amount_usd' must be a finite number"),
    ("json-5000-digits", "9" * 5000, "field 'amount_usd' must be a finite number"),
    ("json-1e400", "1e400", "field 'amount_usd' must be a finite number"),
    ("json-negative", "-5", "zero or more"),
    ("json-lone-surrogate-in-number", '"\\ud800"', "must be a finite number"),
]


@pytest.mark.parametrize("amount,fragment", [c[1:] for c in NUMBERS], ids=[c[0] for c in NUMBERS])
def test_hostile_numbers_fail_at_validate_with_file_and_line(tmp_path, amount, fragment):
    pack = _amount_pack(tmp_path, amount)
    for command in (["validate"], ["funding", "--json"]):
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and fragment in result.err and "a.json:1:" in result.err
        assert len(result.err) < 2000


@pytest.mark.parametrize("digits", [25, 400], ids=["yaml-25-digits", "yaml-400-digits"])
def test_a_huge_yaml_number_is_a_clean_error(tmp_path, digits):
    text = (SOURCE.format(title="T") + "programs:\n  - id: plan\n    name: P\n"
            "    cite: [{source: notes, quote: q}]\nfunding:\n  - id: f\n    title: F\n"
            f"    program: plan\n    measure: appropriation\n    as_of: 2020\n"
            f"    amount_usd: {'9' * digits}\n"
            "    cite: [{source: notes, quote: q}]\n")
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:15:" in result.err and "amount_usd" in result.err


SURROGATES = [("title", '"\\ud800"'), ("title", '"a\\udfffb"'), ("file", '"\\udc80.txt"')]


@pytest.mark.parametrize("field,value", SURROGATES, ids=["lone-high", "lone-low", "in-file"])
def test_a_json_lone_surrogate_fails_validate_and_never_crashes_a_read(tmp_path, field, value):
    rec = {"id": "notes", "title": "T", "file": "notes.txt"}
    body = json.dumps({"sources": [rec]}).replace(json.dumps(rec[field]), value)
    pack = write_pack(tmp_path / "p", {"a.json": body})
    for command in (["validate"], ["sources"], ["export"], ["search", "T"]):
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and "a.json:1:" in result.err and "surrogate" in result.err


def test_a_json_surrogate_pair_is_one_character(tmp_path):
    body = json.dumps({"sources": [{"id": "notes", "title": "T \U0001F600", "file": "n.txt"}]})
    pack = write_pack(tmp_path / "p", {"a.json": body})
    result = _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0 and result.json()["record"]["title"] == "T \U0001F600"


def test_json_numbers_in_string_fields_keep_their_text(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.json": '{"sources": [{"id": "notes", "title": 1e3,'
                                                 ' "author": 1.50, "file": "n.txt"}]}'})
    result = _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0, result.err
    assert (result.json()["record"]["title"], result.json()["record"]["author"]) == ("1e3",
                                                                                    "1.50")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)
       .filter(str.strip), st.text(st.characters(blacklist_categories=["Cs"]), min_size=1,
                                   max_size=30).filter(str.strip))
def test_export_then_load_keeps_every_string(tmp_path_factory, title, author):
    """JSON and YAML exports load back as the same records (the built-in reader path)."""
    folder = tmp_path_factory.mktemp("rt")
    rec = {"id": "notes", "title": title, "author": author, "file": "notes.txt"}
    pack = write_pack(folder / "p", {"a.json": json.dumps({"sources": [rec]})})
    for fmt in ("yaml", "json"):
        exported = _clean(run_cli("--no-builtin", "--data", pack, "export", "--format", fmt))
        assert exported.code == 0, exported.err
        again = write_pack(folder / fmt, {f"all.{fmt}": exported.out})
        back = _clean(run_cli("--no-builtin", "--data", again, "export", "--format", "json"))
        assert back.code == 0, (fmt, back.err)
        assert back.json()["sources"] == [rec], fmt


# a citation (or alternative date) whose source is itself invalid: one file:line message,
# not a KeyError where the default source or the references are worked out
BAD_CITE_SOURCES = [("number", "1e3"), ("not-a-slug", '"bad id"'), ("list", "[a, b]"),
                    ("mapping", "{a: 1}"), ("null", "~"), ("bool", "true")]


@pytest.mark.parametrize("value", [c[1] for c in BAD_CITE_SOURCES],
                         ids=[c[0] for c in BAD_CITE_SOURCES])
@pytest.mark.parametrize("command", [["validate"], ["recs", "--json"]])
def test_a_citation_with_a_bad_source_is_one_message(tmp_path, value, command):
    text = SOURCE.format(title="T") + f"""\
recommendations:
  - id: trace
    text: Trace guns
    actor: Me
    cite:
      - source: {value}
        quote: "a quote"
"""
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "a.yaml:" in result.err and "'source'" in result.err, result.err


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


@pytest.mark.parametrize("item_id", ["1e20", "Bad Id", "[x]", "~"],
                         ids=["number", "not-a-slug", "list", "null"])
@pytest.mark.parametrize("command", [["validate"], ["pillars", "plan"], ["show", "p1"]])
def test_a_structure_item_with_a_bad_id_is_one_message(tmp_path, item_id, command):
    pack = write_pack(tmp_path / "p", {"a.yaml": RICH.replace("{item_id}", item_id)})
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "a.yaml:" in result.err and "'id'" in result.err, result.err


@pytest.mark.parametrize("items", ["[]", "~", "[{id: Bad}]", "x"],
                         ids=["empty", "null", "only-bad-items", "text"])
@pytest.mark.parametrize("command", [["validate"], ["gaps"]])
def test_a_structure_without_valid_items_is_one_message(tmp_path, items, command):
    text = RICH.replace("{item_id}", "p2")
    start = text.index("    items:\n")
    text = text[:start] + f"    items: {items}\n" + text[text.index("\n    cite:", start) + 1:]
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and ("'items'" in result.err or "item 1" in result.err), result.err


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json"])
def test_a_funding_line_is_listed_in_every_format(tmp_path, fmt):
    pack = write_pack(tmp_path / "p", {"a.yaml": RICH.replace("{item_id}", "p2")})
    result = _clean(run_cli("--no-builtin", "--data", pack, "funding", "--format", fmt))
    assert result.code == 0 and "f2" in result.out, result.err


# ---- 3. init-pack: all or nothing, never through a link it did not create ---------------

def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("case", ["dangling-example-link", "example-link-to-file", "texts-link",
                                  "text-file-link"])
def test_init_pack_never_writes_through_a_link(tmp_path, case):
    target, elsewhere = tmp_path / "pack", tmp_path / "elsewhere"
    target.mkdir()
    elsewhere.mkdir()
    if case == "dangling-example-link":
        (target / "example.yaml").symlink_to(elsewhere / "made.yaml")
    elif case == "example-link-to-file":
        (elsewhere / "mine.yaml").write_text("mine")
        (target / "example.yaml").symlink_to(elsewhere / "mine.yaml")
    elif case == "texts-link":
        (target / "texts").symlink_to(elsewhere)
    else:
        (target / "texts").mkdir()
        (target / "texts" / "my-notes-2026.txt").symlink_to(elsewhere / "made.txt")
    before = _tree(tmp_path)
    result = _clean(run_cli("init-pack", target))
    assert result.code == 1 and ("symbolic link" in result.err or "exists" in result.err)
    assert _tree(tmp_path) == before and _tree(elsewhere) == (["mine.yaml"] if "file" in case
                                                              and "text" not in case else [])


def test_init_pack_leaves_nothing_when_it_fails_halfway(tmp_path, monkeypatch):
    import errno
    import os

    real_open = os.open

    def full_on_the_text(path, flags, *args):
        if os.fspath(path).endswith(".txt"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", full_on_the_text)
    result = _clean(run_cli("init-pack", tmp_path / "new" / "pack"))
    monkeypatch.setattr(os, "open", real_open)
    assert result.code == 1 and "No space left on device" in result.err
    assert _tree(tmp_path) == []


def test_init_pack_into_an_existing_folder_removes_only_what_it_made(tmp_path):
    target = tmp_path / "pack"
    target.mkdir()
    (target / "mine.txt").write_text("mine")
    (target / "texts").write_text("a file where the texts folder goes")
    result = _clean(run_cli("init-pack", target))
    assert result.code == 1 and "cannot write" in result.err
    assert _tree(tmp_path) == ["pack", "pack/mine.txt", "pack/texts"]


# ---- 4. streams --------------------------------------------------------------------------

def _run_merida(args, env_extra=None, **popen):
    import os
    import subprocess
    import sys

    env = dict(os.environ, **(env_extra or {}))
    code = "import sys; from merida_cli.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, check=False,
                          **popen)


def _fds_closed(*fds):
    import os

    def close():
        for fd in fds:
            os.close(fd)
    return close


@pytest.mark.parametrize("args,code", [(["pillars"], 1), (["pillars", "--json"], 1),
                                       (["validate"], 0), (["pillars", "nope"], 2)],
                         ids=["table", "json", "writes-only-stderr", "usage-error"])
def test_a_closed_stdout_is_one_line_and_the_right_exit_code(tmp_path, args, code):
    import subprocess

    done = _run_merida(args, preexec_fn=_fds_closed(1), stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert "Traceback" not in err and "a bug in merida" not in err
    if code == 1:
        assert err.strip() == "error: cannot write output: stdout is closed"


@pytest.mark.parametrize("args,code", [(["pillars", "nope"], 2), (["recs", "--topic", "x"], 2),
                                       (["pillars"], 0), (["recs", "--actor", "nobody"], 1)],
                         ids=["usage-error", "unknown-topic", "ok", "no-results"])
def test_a_closed_stderr_keeps_the_exit_code(args, code):
    import subprocess

    done = _run_merida(args, preexec_fn=_fds_closed(2), stdout=subprocess.PIPE)
    assert done.returncode == code


def test_a_full_stdout_is_one_clean_line(tmp_path):
    import os
    import stat
    import subprocess

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    before = os.stat("/dev/full")
    assert stat.S_ISCHR(before.st_mode)
    with open("/dev/full", "wb") as full:  # an existing device: opened, never replaced
        done = _run_merida(["export"], stdout=full, stderr=subprocess.PIPE)
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    err = done.stderr.decode()
    assert done.returncode == 1 and err.strip() == \
        "error: cannot write output: No space left on device"


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"},
                                 {"PYTHONIOENCODING": "latin-1"}],
                         ids=["pythonioencoding-ascii", "lang-c", "latin-1"])
def test_output_is_utf8_whatever_the_locale(env):
    import subprocess

    done = _run_merida(["show", "merida"], env_extra={**env, "PYTHONUTF8": "0"},
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()
    assert "Mérida Initiative".encode() in done.stdout
    bad = _run_merida(["show", "mérida-nope"], env_extra={**env, "PYTHONUTF8": "0"},
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_ctrl_c_is_exit_130_and_one_line(monkeypatch):
    from merida_cli import query

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "timeline", interrupted)
    result = run_cli("timeline")
    assert result.code == 130 and result.err == "interrupted\n"


def test_ctrl_c_during_a_parallel_load_leaves_no_workers(tmp_path, monkeypatch):
    import multiprocessing

    from merida_cli import load
    packs = [write_pack(tmp_path / f"p{i}", {"a.yaml": GOOD.replace("notes", f"notes{i}")
                                             .replace("trace", f"trace{i}")
                                             .replace("plan", f"plan{i}")
                                             .replace("guns", f"guns{i}")})
             for i in range(3)]
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)

    def interrupt(chunk):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load.fast_read(packs, on_file=interrupt)
    assert multiprocessing.active_children() == []


# ---- 5. injection into other programs ------------------------------------------------------

INJECT = ["=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "a\rb", "a\nb",
          "x,\"y\"", "\uff1d1+1"]


def _title_pack(tmp_path, title):
    rec = {"id": "notes", "title": title, "file": "notes.txt", "summary": title}
    return write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [rec]})})


@pytest.mark.parametrize("title", INJECT, ids=["equals", "plus", "minus", "at", "tab", "bare-cr",
                                               "newline", "comma-quote", "fullwidth-equals"])
@pytest.mark.parametrize("command", [["export", "--format", "csv"],
                                     ["sources", "--format", "csv"]], ids=["export", "listing"])
def test_csv_never_starts_a_text_cell_with_a_formula_and_keeps_rows_whole(tmp_path, title,
                                                                          command):
    import csv
    import io

    pack = _title_pack(tmp_path, title)
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert len(rows) == 2, rows  # a header and one record: no CR/LF splits a row
    cells = [c for c in rows[1] if title.strip("'") in c or c.lstrip("'") == title]
    assert cells, rows
    for value in cells:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d"))
        assert value.lstrip("'") == title


def test_csv_leaves_numbers_alone():
    from merida_cli.render.formats import csv_cell

    assert [csv_cell(v) for v in ("-5", "+1.5", "-2e3", 12)] == ["-5", "+1.5", "-2e3", "12"]


MD_HOSTILE = [
    ("heading", "x\n# Owned", "\n# Owned"),
    ("table", "a | b\n|---|", "a | b"),
    ("link", "[click](javascript:alert(1))", "](javascript:"),
    ("autolink", "<javascript:alert(1)>", "<javascript:"),
    ("bare-scheme", "JavaScript:alert(1)", "JavaScript:alert"),
    ("img-onerror", "<img src=x onerror=alert(1)>", "<img"),
    ("script", "<script>alert(1)</script>", "<script>"),
    ("emphasis", "**bold** _it_ `code`", "**bold**"),
    ("image", "![x](http://evil/x.png)", "![x]"),
]


@pytest.mark.parametrize("title,forbidden", [c[1:] for c in MD_HOSTILE],
                         ids=[c[0] for c in MD_HOSTILE])
@pytest.mark.parametrize("command", [["export", "--format", "markdown"],
                                     ["sources", "--format", "markdown"]],
                         ids=["export", "listing"])
def test_markdown_escapes_values(tmp_path, title, forbidden, command):
    pack = _title_pack(tmp_path, title)
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 0, result.err
    assert forbidden not in result.out, result.out
    assert "<" not in result.out.replace("&lt;", "")
    assert not any(line.startswith("#") and "Owned" in line for line in result.out.splitlines())
    rows = [line.replace("\\|", "") for line in result.out.splitlines() if line.startswith("|")]
    assert len({row.count("|") for row in rows}) <= 1, rows  # no value adds a table cell


# ---- 6. arguments and paths --------------------------------------------------------------

ARGS = [
    ("data-empty", ["--data", "", "recs"], "--data: empty path"),
    ("data-empty-equals", ["--data=", "recs"], "--data: empty path"),
    ("init-pack-empty", ["init-pack", ""], "DIR: empty path"),
    ("diff-empty", ["diff", "", ""], "A: empty path"),
    ("diff-second-empty", ["diff", "merida", ""], "B: empty path"),
    ("verify-texts-empty", ["verify", "--texts", ""], "--texts: empty path"),
    ("coverage-texts-empty", ["coverage", "olson", "--texts", ""], "--texts: empty path"),
    ("export-output-empty", ["export", "-o", ""], "--output: empty path"),
    ("recs-program-empty", ["recs", "--program", ""], "'--program'"),
    ("recs-source-empty", ["recs", "--source", ""], "'--source'"),
    ("recs-topic-empty", ["recs", "--topic", ""], "'--topic'"),
    ("recs-topic-one-empty", ["recs", "--topic", "guns", "--topic", ""], "'--topic'"),
    ("recs-actor-blank", ["recs", "--actor", "  "], "'--actor'"),
    ("funding-measure-empty", ["funding", "--measure", ""], "'--measure'"),
    ("funding-account-empty", ["funding", "--account", ""], "'--account'"),
    ("funding-recipient-empty", ["funding", "--recipient", ""], "'--recipient'"),
    ("figures-source-empty", ["figures", "--source", ""], "'--source'"),
    ("assessments-program-empty", ["assessments", "--program", ""], "'--program'"),
    ("timeline-program-empty", ["timeline", "--program", ""], "'--program'"),
    ("gaps-empty-program", ["gaps", ""], "'program': empty value"),
    ("search-kind-empty", ["search", "x", "--kind", ""], "unknown kind ''"),
    ("coverage-texts-missing", ["coverage", "olson", "--texts", "/nonexistent/texts"],
     "not a directory"),
]


@pytest.mark.parametrize("argv,fragment", [c[1:] for c in ARGS], ids=[c[0] for c in ARGS])
def test_empty_arguments_are_usage_errors(argv, fragment):
    result = _clean(run_cli(*argv))
    assert result.code == 2, (result.code, result.err)
    assert fragment in result.err and len(result.err.strip().splitlines()) == 1, result.err


HUGE = "x" * 100_000
HUGE_ARGS = [("topic", ["recs", "--topic", HUGE]), ("id", ["show", HUGE]),
             ("year", ["timeline", "--from", "9" * 5000]), ("program", ["pillars", HUGE]),
             ("command", [HUGE])]


@pytest.mark.parametrize("argv", [c[1] for c in HUGE_ARGS], ids=[c[0] for c in HUGE_ARGS])
def test_a_huge_argument_gives_a_bounded_message(argv):
    result = _clean(run_cli(*argv))
    assert result.code == 2 and len(result.err) < 1000 and "more characters" in result.err


def test_coverage_texts_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    result = _clean(run_cli("coverage", "olson", "--texts", tmp_path / "f.txt"))
    assert result.code == 2 and "not a directory" in result.err


def _undecodable(folder, name: bytes):
    import os

    return os.fsdecode(os.path.join(os.fsencode(folder), name))


def test_an_output_path_that_is_not_utf8_is_written_as_given(tmp_path):
    import os

    target = _undecodable(tmp_path, b"out-\xff.json")
    result = _clean(run_cli("--no-builtin", "--data", _title_pack(tmp_path, "T"), "export",
                            "-o", target))
    assert result.code == 0, result.err
    assert os.listdir(os.fsencode(tmp_path)).count(b"out-\xff.json") == 1
    assert not any("\ufffd" in name for name in os.listdir(tmp_path))


@pytest.mark.parametrize("how", ["diff", "diff-json", "texts"])
def test_two_paths_that_clean_to_the_same_text_stay_two_paths(tmp_path, how):
    import os

    a, b = _undecodable(tmp_path, b"p\xff.yaml"), _undecodable(tmp_path, b"p\xfe.yaml")
    for path, label in ((a, "T"), (b, "U")):
        with open(path, "w") as handle:
            handle.write(f"topics:\n  - id: t\n    label: {label}\n")
    if how == "texts":
        one, two = _undecodable(tmp_path, b"t\xff"), _undecodable(tmp_path, b"t\xfe")
        os.mkdir(one)
        os.mkdir(two)
        with open(os.path.join(two, "notes.txt"), "w") as handle:
            handle.write("a quote\n")
        result = _clean(run_cli("--no-builtin", "--data", _small_pack(tmp_path), "verify",
                                "--texts", one, "--texts", two))
        assert result.code == 0 and "2 quotes verified" in result.err, result.err
        return
    result = _clean(run_cli("diff", a, b, *(["--json"] if how == "diff-json" else [])))
    assert result.code == 1, result.err  # they differ: two files were read, not one twice


def test_a_data_path_that_is_not_utf8_is_read_as_given(tmp_path, monkeypatch):
    import os

    from merida_cli.env import _env_packs

    def env_packs():
        return _env_packs(os.environ)

    folder = _undecodable(tmp_path, b"pack-\xe9")
    os.mkdir(folder)
    write_pack(__import__("pathlib").Path(folder), {"a.yaml": GOOD})
    by_option = _clean(run_cli("--no-builtin", "--data", folder, "recs", "--json"))
    assert by_option.code == 0 and by_option.json()[0]["id"] == "trace", by_option.err
    monkeypatch.setenv("MERIDA_DATA", folder)
    by_env = _clean(run_cli("recs", "--json", data=env_packs(), builtin=False))
    assert by_env.code == 0 and by_env.json()[0]["id"] == "trace", by_env.err
    again = _clean(run_cli("recs", "--json", data=env_packs(), builtin=False))
    assert again.out == by_env.out  # and through the cache


@pytest.mark.parametrize("twice", ["same", "trailing-slash", "via-link"])
def test_the_same_pack_given_twice_is_read_once(tmp_path, twice):
    pack = _small_pack(tmp_path)
    other = {"same": pack, "trailing-slash": f"{pack}/", "via-link": tmp_path / "link"}[twice]
    if twice == "via-link":
        other.symlink_to(pack)
    result = _clean(run_cli("--no-builtin", "--data", pack, "--data", other, "recs", "--json"))
    assert result.code == 0 and [r["id"] for r in result.json()] == ["trace"], result.err


def test_the_builtin_pack_given_as_data_is_read_once():
    from merida_cli.load import builtin_pack

    result = _clean(run_cli("--data", builtin_pack(), "pillars", "--json"))
    assert result.code == 0 and len(result.json()) == 4, result.err


def test_output_dash_is_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _clean(run_cli("--no-builtin", "--data", _title_pack(tmp_path, "T"), "export",
                            "-o", "-"))
    assert result.code == 0 and json.loads(result.out)["sources"][0]["title"] == "T"
    assert not (tmp_path / "-").exists()


def test_a_path_that_is_not_utf8_prints_as_its_bytes(tmp_path):
    import os
    import subprocess

    a = os.path.join(os.fsencode(tmp_path), b"a\xff.yaml")
    with open(a, "w") as handle:
        handle.write("topics:\n  - id: t\n    label: T\n")
    (tmp_path / "b.yaml").write_text("topics:\n  - id: t\n    label: U\n")
    done = _run_merida(["diff", os.fsdecode(a), str(tmp_path / "b.yaml"), "--json"],
                       env_extra={"LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"},
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
    assert b"a\xff.yaml" in done.stdout


# ---- 7. the cache ----------------------------------------------------------------------------

def _small_pack(tmp_path):
    return write_pack(tmp_path / "pack", {"a.yaml": GOOD})


def _caches(folder):
    return sorted(folder.glob("packs-*.sqlite"))


@pytest.mark.parametrize("name", ["a#b", "a?mode=rwc", "a%41b", "a b&c=d", "x?y#z%"],
                         ids=["hash", "question-mark", "percent", "space-amp", "all"])
def test_a_cache_path_is_a_path_not_a_uri(tmp_path, monkeypatch, name):
    cache = tmp_path / name
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    pack = _small_pack(tmp_path)
    first = _clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    (made,) = _caches(cache)
    mtime = made.stat().st_mtime_ns
    second = _clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert first.out == second.out and first.code == 0
    assert _caches(cache) == [made] and made.stat().st_mtime_ns == mtime  # reused
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["pack", name])


BROKEN_ROWS = [("not-json", "UPDATE records SET body = 'not json'"),
               ("empty-object", "UPDATE records SET body = '{}'"),
               ("null", "UPDATE records SET body = NULL"),
               ("list", "UPDATE records SET body = '[]'"),
               ("other-id", "UPDATE records SET body = '{\"id\": \"other\"}'"),
               ("changed-text", "UPDATE records SET body = replace(body, 'Trace', 'Trice')"),
               ("changed-key", "UPDATE records SET body = replace(body, '\"actor\"', '\"actr\"')"),
               ("moved-kind", "UPDATE records SET kind = 'events' WHERE id = 'trace'"),
               ("doc-topics-null", "UPDATE docs SET topics = NULL"),
               ("doc-names-not-json", "UPDATE docs SET names = 'x'"),
               ("doc-title-null", "UPDATE docs SET title = NULL")]


@pytest.mark.parametrize("sql", [c[1] for c in BROKEN_ROWS], ids=[c[0] for c in BROKEN_ROWS])
@pytest.mark.parametrize("command", [["recs", "--json"], ["show", "trace", "--json"],
                                     ["search", "guns", "--json"], ["recs", "--topic", "guns",
                                                                    "--json"]],
                         ids=["recs", "show", "search", "by-topic"])
def test_broken_cache_rows_are_ignored_and_rebuilt(tmp_path, monkeypatch, sql, command):
    import os
    import sqlite3
    from pathlib import Path

    pack = _small_pack(tmp_path)
    run_cli("--no-builtin", "--data", pack, "search", "trace")  # the search tables exist too
    expected = _clean(run_cli("--no-builtin", "--data", pack, *command))
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert (result.code, result.out, result.err) == (expected.code, expected.out, "")
    again = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert again.out == expected.out and again.err == ""


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.none(), st.integers(-(2 ** 63), 2 ** 63 - 1), st.text(max_size=30), st.binary(max_size=30),
                 st.builds(json.dumps, st.recursive(st.none() | st.booleans() | st.text(max_size=5),
                                                    lambda c: st.lists(c, max_size=3)
                                                    | st.dictionaries(st.text(max_size=3), c,
                                                                      max_size=3), max_leaves=6))),
       st.sampled_from(["body", "id"]))
def test_any_cache_row_content_is_survived(tmp_path_factory, value, column):
    import os
    import sqlite3
    from pathlib import Path

    folder = tmp_path_factory.mktemp("c")
    for old in _caches(Path(os.environ["MERIDA_CACHE_DIR"])):
        old.unlink()
    pack = _small_pack(folder)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(f"UPDATE records SET {column} = ? WHERE id = 'trace'", (value,))
    conn.commit()
    conn.close()
    result = _clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert result.code == 0 and result.out == expected.out, result.err


def test_a_cached_row_under_another_id_is_caught(tmp_path):
    import os
    import sqlite3
    from pathlib import Path

    pack = _small_pack(tmp_path)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET id = 7 WHERE id = 'trace'")
    conn.commit()
    conn.close()
    result = _clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert (result.code, result.out, result.err) == (0, expected.out, "")


@pytest.mark.parametrize("sql", ["DELETE FROM records WHERE id = 'trace'",
                                 "UPDATE records SET kind = NULL WHERE id = 'trace'",
                                 ("INSERT INTO records SELECT seq + 100, kind, 'x', body, crc "
                                 "FROM records WHERE id = 'trace'")],
                         ids=["deleted", "kind-null", "added"])
def test_a_listing_missing_or_gaining_cached_rows_is_caught(tmp_path, sql):
    import os
    import sqlite3
    from pathlib import Path

    pack = _small_pack(tmp_path)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = _clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert (result.code, result.out, result.err) == (0, expected.out, "")


def test_the_retry_after_a_broken_cache_reads_each_pack_once(tmp_path):
    import os
    import sqlite3
    from pathlib import Path

    pack = _small_pack(tmp_path)
    run_cli("--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET body = 'not json'")
    conn.commit()
    conn.close()
    result = _clean(run_cli("--data", pack, "recs", "--json"))
    assert result.code == 0 and "duplicate" not in result.err, result.err
    assert "trace" in {r["id"] for r in result.json()}


def test_pruning_touches_only_caches_merida_made(tmp_path, monkeypatch):
    import os
    import sqlite3

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    mine = [cache / "packs-0000000000000000.sqlite", cache / "packs-users-notes.sqlite"]
    for path in mine:
        sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.close()
    (cache / "packs-text.sqlite").write_text("not even sqlite")
    mine.append(cache / "packs-text.sqlite")
    os.mkfifo(cache / "packs-fifo.sqlite")  # never opened for reading (it would hang)
    mine.append(cache / "packs-fifo.sqlite")
    for i in range(6):
        pack = write_pack(tmp_path / f"p{i}", {"a.yaml": GOOD})
        assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    assert all(path.exists() for path in mine)
    assert len(_caches(cache)) == 4 + len(mine)


def test_stale_temp_files_of_dead_builds_are_removed(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    import time

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    killed = cache / f".packs-{dead}-abc.tmp"
    killed.write_bytes(b"half a build")
    old = cache / f".packs-{os.getpid()}-old.tmp"
    old.write_bytes(b"a day old")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    running = cache / f".packs-{os.getpid()}-now.tmp"
    running.write_bytes(b"a build in progress")
    users = cache / ".packs-notes.tmp"
    users.write_bytes(b"not ours")
    assert run_cli("--no-builtin", "--data", _small_pack(tmp_path), "recs").code == 0
    assert not killed.exists() and not old.exists()
    assert running.exists() and users.exists()


def test_hundreds_of_thousands_of_topics_in_one_query(tmp_path):
    from merida_cli.load import load_dataset

    ds = load_dataset([_small_pack(tmp_path)], builtin=False)
    topics = {f"t{i}" for i in range(260_000)} | {"guns"}
    assert [r["id"] for r in ds.store.with_topics("recommendations", topics)] == ["trace"]
    assert ds.store.docs_with_topics(topics, 10)


# ---- 8. bounded work ---------------------------------------------------------------------------

def test_diff_refuses_fifos_without_reading(tmp_path):
    import os

    for name in ("a.yaml", "b.yaml"):
        os.mkfifo(tmp_path / name)
    result = _clean(run_cli("diff", tmp_path / "a.yaml", tmp_path / "b.yaml"))
    assert result.code == 1 and "not a regular file" in result.err


def test_diff_refuses_a_link_to_a_fifo_and_a_huge_file_without_reading(tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "fifo")
    with open(tmp_path / "huge.yaml", "wb") as handle:  # sparse: no disk used
        handle.truncate(50 * 1024 * 1024)
    result = _clean(run_cli("diff", tmp_path / "link.yaml", tmp_path / "huge.yaml"))
    assert result.code == 1 and "not a regular file" in result.err
    os.environ["MERIDA_MAX_FILE_MB"] = "8"  # the default cap (256 MiB) is above 50 MiB
    try:
        result = _clean(run_cli("diff", tmp_path / "huge.yaml", tmp_path / "huge.yaml"))
    finally:
        del os.environ["MERIDA_MAX_FILE_MB"]
    assert result.code == 1 and "over the 8 MiB limit" in result.err


@pytest.mark.parametrize("kind", ["fifo", "dangling-link", "link-to-fifo"])
@pytest.mark.parametrize("command", [["validate"], ["recs"]])
def test_a_pack_entry_that_is_not_a_file_is_reported_unread(tmp_path, kind, command):
    import os

    pack = _small_pack(tmp_path)
    if kind == "fifo":
        os.mkfifo(pack / "b.yaml")
    elif kind == "dangling-link":
        (pack / "b.yaml").symlink_to(tmp_path / "gone.yaml")
    else:
        os.mkfifo(tmp_path / "fifo")
        (pack / "b.yaml").symlink_to(tmp_path / "fifo")
    result = _clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "b.yaml:1: cannot read file: " in result.err, result.err


def test_many_bad_references_cost_one_suggestion_per_distinct_name(tmp_path, monkeypatch):
    from merida_cli import validate

    lines = [SOURCE.format(title="T"), "recommendations:\n"]
    for i in range(3000):
        lines.append(f"  - id: r{i}\n    text: T\n    actor: A\n    topics: [nope-{i % 500}]\n"
                     "    cite: [{source: notes, quote: q}]\n")
    pack = write_pack(tmp_path / "p", {"a.yaml": "".join(lines)})
    calls = []
    real = validate.did_you_mean

    def counting(word, choices):
        calls.append(word)
        return real(word, choices)

    monkeypatch.setattr(validate, "did_you_mean", counting)
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and result.err.count("unknown topic 'nope-") == 3000
    assert len(calls) == len(set(calls)) <= validate.MAX_SUGGESTIONS
    assert "a.yaml:5006: recommendation 'r1000'" in result.err  # lines are still right


def test_a_pack_file_that_vanishes_before_its_lines_are_found(tmp_path, monkeypatch):
    from merida_cli import load

    rec = {"id": "r", "text": "T", "actor": "A", "topics": ["nope"],
           "cite": [{"source": "notes", "quote": "q"}]}
    body = {"sources": [{"id": "notes", "title": "T", "file": "n.txt"}], "recommendations": [rec]}
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(body, indent=1)})
    real = load.parse_file

    def parse_then_delete(path, fast=False, limit=load.DEFAULT_MAX_FILE_BYTES):
        document = real(path, fast, limit)
        if not fast:  # the strict read: its messages look up lines afterwards
            path.unlink()
        return document

    monkeypatch.setattr(load, "parse_file", parse_then_delete)
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.json:1: recommendation 'r': unknown topic 'nope'" in result.err


# ---- 9. source texts ---------------------------------------------------------------------------

def _texts_pack(tmp_path):
    return write_pack(tmp_path / "pack", {"a.yaml": GOOD})


def test_a_text_with_invalid_bytes_is_read_with_replacement_characters(tmp_path):
    pack = _texts_pack(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_bytes(b"Bad \xff\xfe bytes. In 2020 we wrote a quote.\n"
                                      b"In 2021 nothing \xc3.\n")
    verified = _clean(run_cli("--no-builtin", "--data", pack, "verify", "--texts", texts))
    assert verified.code == 0 and "2 quotes verified" in verified.err, verified.err
    covered = _clean(run_cli("--no-builtin", "--data", pack, "coverage", "notes", "--texts",
                             texts, "--json"))
    assert covered.code == 1 and covered.json()["uncited_sentences"] == ["In 2021 nothing \ufffd."]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_text_with_a_byte_order_mark_is_decoded(tmp_path, encoding):
    import codecs

    pack = _texts_pack(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    (texts / "notes.txt").write_bytes(bom + "Here is a quote, in 2020.\n".encode(encoding))
    verified = _clean(run_cli("--no-builtin", "--data", pack, "verify", "--texts", texts))
    assert verified.code == 0 and "2 quotes verified" in verified.err, verified.err


@pytest.mark.parametrize("kind", ["fifo", "dangling-link", "link-to-fifo", "huge"])
def test_an_unreadable_text_is_skipped_with_a_warning(tmp_path, kind):
    import os

    pack = _texts_pack(tmp_path)
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
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code in (1, 2) and "notes.txt: skipped:" in result.err, result.err


# ---- argv: path arguments, by hypothesis ------------------------------------------------------

NAME_CHARS = st.sampled_from(list("ab#?%&= -_.~*'\"\\:;é\udcff\udc80\u202e\x1b\t") + ["\n"])
NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda n: n.strip(".") != "")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(NAMES, st.sampled_from(["export-json", "export-sqlite", "init-pack", "diff", "verify",
                               "data"]))
def test_any_path_argument_is_used_as_given_and_only_inside_its_folder(tmp_path_factory, name,
                                                                       command):
    import os

    folder = tmp_path_factory.mktemp("argv")
    pack = _title_pack(folder, "T")
    target = os.path.join(str(folder), name)  # one component: never outside the folder
    argv = {"export-json": ["--no-builtin", "--data", pack, "export", "-o", target],
            "export-sqlite": ["--no-builtin", "--data", pack, "export", "-f", "sqlite",
                              "-o", target],
            "init-pack": ["init-pack", target],
            "diff": ["diff", target, target],
            "verify": ["--no-builtin", "--data", pack, "verify", "--texts", target],
            "data": ["--no-builtin", "--data", target, "sources"]}[command]
    before = set(os.listdir(os.fsencode(folder)))
    result = run_cli(*argv)
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err and "a bug in merida" not in result.err, result.err
    created = set(os.listdir(os.fsencode(folder))) - before
    assert created <= {os.fsencode(name)}, (created, name)  # that name, as its bytes
    if command.startswith("export") or command == "init-pack":
        assert result.code == 0 and created == {os.fsencode(name)}, result.err
