"""A handful of key facts from each seed, as a user would look them up (show, --json)."""

from __future__ import annotations


def show(cli, rid):
    result = cli("show", rid, "--json")
    assert result.code == 0, result.err
    return result.json()["record"]


def cites(record, source):
    return any(c["source"] == source for c in record.get("cite", []))


def quoted(record, words: str) -> bool:
    """`words` (a number as the seed writes it) is in one of the record's quotes: the value
    is the one its verbatim quote states, which `merida verify` holds to the seed."""
    return any(words in c["quote"] for c in record.get("cite", []))


NUMBER_WORDS = {"three": 3, "four": 4, "five": 5}


def test_olson_baskets_pillars_and_recommendations(cli):
    baskets = show(cli, "merida-baskets")
    assert [i["share_pct"] for i in baskets["items"]] == [62.59, 22.37, 15.04]
    pillar4 = show(cli, "merida-pillar-4")
    assert "Tijuana" in pillar4["summary"] and "Juárez" in pillar4["summary"]
    recs = cli("recs", "--source", "olson", "--json").json()
    numbered = sorted(r["number"] for r in recs if "number" in r)
    assert numbered[:8] == list(range(1, 9))
    firearms = show(cli, "olson-key-rec-firearms")
    assert "firearms" in firearms["topics"] and cites(firearms, "olson")
    split = show(cli, "olson-merida-usaid-pillar2-share")
    assert quoted(split, f"USAID spends {split['share_pct']} percent")
    assert split["account"] == "USAID"


def test_olson_pena_nieto_single_window(cli):
    priorities = show(cli, "merida-pena-nieto-priorities")
    stated = [n for word, n in NUMBER_WORDS.items() if quoted(priorities, f"{word} priorities")]
    assert stated == [len(priorities["items"])] and priorities.get("current") is not True
    window = show(cli, "ventanilla-unica")
    assert cites(window, "olson")


def test_garza_leutert_money_and_dates(cli):
    earmarked = show(cli, "merida-earmarked-2-5bn-garza-leutert")
    released = show(cli, "merida-released-1-5bn-garza-leutert")
    assert earmarked["amount_usd"] == 2.5e9 and released["amount_usd"] == 1.5e9
    assert earmarked["as_of"] == released["as_of"] == "2016"


def test_pfeiffer_firearms_share_and_plan_colombia(cli):
    traced = show(cli, "traced-firearms-us-origin-pfeiffer")
    assert quoted(traced, f"Nearly {traced['value']} percent") and traced["qualifier"] == "almost"
    colombia = show(cli, "plan-colombia")
    assert cites(colombia, "pfeiffer-oped")
    recs = cli("recs", "--source", "pfeiffer-oped", "--json").json()
    assert len(recs) >= 8


def test_news_2017_appropriations_and_meeting(cli):
    line = show(cli, "merida-appropriated-2-6bn-news-2017")
    assert line["amount_usd"] == 2.6e9 and line["qualifier"] == "about"
    meeting = show(cli, "tillerson-kelly-meet-mexican-counterparts-2017-05-18")
    assert meeting["date"] == "2017-05-18"


def test_insightcrime_start_rewards_and_murders(cli):
    start = show(cli, "bicentennial-official-start-insightcrime")
    assert start["date"] == "2021-12-14" and "bicentennial" in start["programs"]
    reward = show(cli, "rewards-los-chapitos-usd-2021")
    assert quoted(reward, f"${reward['value'] // 1_000_000} million")
    murders = show(cli, "murders-mexico-2020-insightcrime")
    assert quoted(murders, f"{murders['value']:,} murders")
    critique = cli("assessments", "--source", "insightcrime-kingpin", "--json").json()
    assert any(a["about"] == "bicentennial" and a["stance"] == "negative" for a in critique)


def test_each_seed_is_cited_by_many_records(cli):
    counts = {s["id"]: s["records_citing"] for s in cli("sources", "--json").json()}
    assert counts["olson"] >= 150
    for seed in ("garza-leutert", "pfeiffer-oped", "news-2017", "insightcrime-kingpin"):
        assert counts[seed] >= 15, seed
