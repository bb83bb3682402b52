"""The command-line form of every rule: one JSON document in, one out; exit 2 with a bilingual error, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimbridge.rules.cli import run

COUNTIES = str(Path(__file__).resolve().parents[4] / "tests" / "data" / "gansu_longnan_tianshui_counties.geojson")


def rules(name: str, stdin: str) -> tuple[int, dict]:
    return run(["rules", name], io.StringIO(stdin))


def test_liability_from_standard_input():
    assert rules("liability", '{"circumstances": {"A": [1], "B": []}}')[1]["liability"] == {"A": "full", "B": "none"}


def test_circumstances_needs_no_input():
    status, catalogue = run(["rules", "circumstances"], io.StringIO(""))
    assert status == 0
    assert len(catalogue["items"]) == 21


def test_settle_reads_numbers_exactly():
    document = {
        "accident_date": "2024-06-01",
        "vehicles": [
            {"id": "A", "liability": "full", "losses": {"vehicle": 0.1}},
            {"id": "B", "liability": "none", "losses": {"vehicle": 0.2}},
        ],
    }
    status, result = rules("settle", json.dumps(document))
    assert status == 0
    assert {p["payee"]: p["amount"] for p in result["payments"]} == {"A": "0.10", "B": "0.20"}


def test_triage_from_standard_input():
    document = '{"estimated_loss": "8000", "liability": {"A": "full", "B": "none"}, "own_customer": "A", "facts_disputed": false, "scene_difficult": false}'
    assert rules("triage", document)[1]["route"] == "online_one_stop"


@pytest.mark.parametrize(
    ("argv", "stdin", "field"),
    [
        (["rules", "liability"], "{", ""),
        (["rules", "liability"], "", ""),
        (["rules", "liability"], '{"circumstances": {"A": [1], "B": []}, "circumstances": {}}', "circumstances"),
        (
            ["rules", "settle"],
            '{"accident_date": "2024-06-01", "vehicles": [{"id": "A", "liability": "full", "losses": {"vehicle": NaN}}]}',
            "",
        ),
        (["rules", "settle"], '{"accident_date": "2024-06-01", "vehicles": []}', "vehicles"),
        (["rules", "eligibility"], '"just a string"', ""),
        (["rules", "triage"], b"\xff\xfe".decode("latin-1"), ""),
        (["rules", "nonsense"], "{}", ""),
        (["geo", "locate", "--boundaries", COUNTIES, "north", "105"], "", "lat"),
        (["geo", "locate", "--boundaries", COUNTIES, "95", "105"], "", "lat"),
        (["geo", "locate", "--boundaries", "/nonexistent.geojson", "34", "105"], "", "boundaries"),
        (["validate", "passport", "E1234"], "", ""),
        ([], "", ""),
    ],
)
def test_bad_input_exits_2_with_a_bilingual_error(argv, stdin, field):
    status, document = run(argv, io.StringIO(stdin))
    assert status == 2
    error = document["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert error["zh"]
    assert error["en"]


def test_geo_locate_converts_wgs84_by_default_and_takes_gcj02_on_request():
    gcj = run(["geo", "locate", "--boundaries", COUNTIES, "--crs", "gcj02", "33.392211", "104.926337"], None)
    assert gcj == (0, {"adcode": "621202", "county": "武都区", "city_adcode": "621200", "city": "陇南市"})
    status, outside = run(["geo", "locate", "--boundaries", COUNTIES, "30.0", "120.0"], None)
    assert status == 0
    assert set(outside.values()) == {None}


def test_the_installed_command_runs_without_django_settings():
    """The console script, as an insurer's system would call it: real process, real exit codes."""
    command = [sys.executable, "-c", "from claimbridge.cli import main; main()"]
    good = subprocess.run(
        [*command, "rules", "liability"],
        input='{"circumstances": {"A": [], "B": [5]}}',
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": ""},
    )
    assert good.returncode == 0
    assert json.loads(good.stdout)["liability"] == {"A": "none", "B": "full"}
    bad = subprocess.run(
        [*command, "rules", "settle"],
        input='{"vehicles": 1}',
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": ""},
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert set(json.loads(bad.stdout)["error"]) >= {"zh", "en"}


def test_a_fault_of_ours_is_still_one_json_document_with_exit_1(monkeypatch):
    from claimbridge.rules import cli

    def broken(document):
        raise RuntimeError("boom")

    monkeypatch.setitem(cli.RULES, "triage", broken)
    status, document = run(["rules", "triage"], io.StringIO("{}"))
    assert status == 1
    assert document["error"]["code"] == "internal_error"
