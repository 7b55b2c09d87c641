"""Agreement of two independent annotations of the same texts (``python -m benchmarks agreement``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.agreement import agreement
from benchmarks.evaluation import load_cases

TEXT = "网信办对晴川网处以罚款50万元，并约谈小云网。全年关闭违法网站120家。"


def _case(directory: Path, case_id: str, **fields: Any) -> None:
    document = {"id": case_id, "source": "https://example.org/" + case_id, "language": "zh-Hans",
                "published": "2024-03-01", "title": "t", "text": TEXT, "figures": [], "platforms": [],
                "not_figures": [], "notes": []}
    document.update(fields)
    (directory / "cases").mkdir(parents=True, exist_ok=True)
    (directory / "cases" / f"{case_id}.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")


FINE = {"metric": "fine_amount", "value": 500000, "unit_or_currency": "CNY", "period": None, "party": "晴川网",
        "text": "罚款50万元"}
CLOSED = {"metric": "websites_closed", "value": 120, "unit_or_currency": "家", "period": "2023", "party": None,
          "text": "关闭违法网站120家"}


def test_two_annotations_agree_where_they_give_the_same_facts(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _case(first, "a", figures=[FINE, CLOSED], platforms=[
        {"name": "晴川网", "id": "name:晴川网", "action": "fined"},
        {"name": "小云网", "id": "name:小云网", "action": "summoned"}])
    # the second annotator dates the count by the year's days, misses the fine and calls the
    # summons a naming; one case only the first annotator has is not compared
    _case(second, "a", figures=[{**CLOSED, "period": "2023-01..2023-12"}], platforms=[
        {"name": "晴川网", "id": "name:晴川网", "action": "fined"},
        {"name": "小云网", "id": "qingyun", "action": "named"}])
    _case(first, "b", figures=[FINE])
    summary = agreement(load_cases(first), load_cases(second))
    assert summary["cases"] == 1
    assert (summary["figures"]["tp"], summary["figures"]["fp"], summary["figures"]["fn"]) == (1, 0, 1)
    assert summary["periods"] == {"matched": 1, "agreed": 1, "accuracy": 1.0}
    assert (summary["platforms"]["tp"], summary["platforms"]["fp"], summary["platforms"]["fn"]) == (1, 1, 1)
    # the same platform by the name as written, whatever id each gave it
    assert summary["platforms_identified"]["f1"] == 1.0


def test_agreement_is_the_same_whichever_annotation_comes_first(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _case(first, "a", figures=[FINE, CLOSED], platforms=[{"name": "晴川网", "id": "name:晴川网", "action": "fined"}])
    _case(second, "a", figures=[CLOSED], platforms=[{"name": "晴川网", "id": "name:晴川网", "action": "warned"}])
    one = agreement(load_cases(first), load_cases(second))
    other = agreement(load_cases(second), load_cases(first))
    assert one["figures"]["f1"] == other["figures"]["f1"] == round(2 / 3, 4)
    assert one["platforms"]["f1"] == other["platforms"]["f1"] == 0.0


def test_the_command_reports_agreement(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _case(first, "a", figures=[FINE])
    _case(second, "a", figures=[FINE])
    done = subprocess.run([sys.executable, "-m", "benchmarks", "agreement", str(first), str(second), "--json"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["figures"]["f1"] == 1.0
    missing = subprocess.run([sys.executable, "-m", "benchmarks", "agreement", str(first), str(tmp_path / "none")],
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "none" in missing.stderr
