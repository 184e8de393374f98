"""knowledge/data/progress.toml loaded once into typed objects: due-date rules, status words, cues, fonts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, cast, get_args

from knowledge.numerals import NUMERALS, chinese_to_int
from knowledge.progress.periods import DueRule, MonthChoice, PeriodKind

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "progress.toml"
Status = Literal["未启动", "推进中", "已完成", "滞后", "无法完成"]
STATUSES: tuple[Status, ...] = get_args(Status)
_NUM = rf"[0-9]{{1,2}}|[{NUMERALS}]{{1,3}}"


@dataclass(frozen=True, slots=True)
class RulePattern:
    """One way a notice states its reporting rule."""

    pattern: re.Pattern[str]
    period: PeriodKind
    month: MonthChoice
    end_of_month: bool


@dataclass(frozen=True)
class ProgressLanguage:
    """Everything progress reporting reads from data."""

    rules: tuple[RulePattern, ...]
    defaults: dict[str, str]
    statuses: dict[str, Status]  # every spelling → its status, longest spellings first
    cues: dict[str, tuple[str, ...]]
    fonts: tuple[str, ...]

    def find_rule(self, text: str) -> DueRule | None:
        """The first rule a text states ("请各责任单位于每季度末月20日前报送…"), or None."""
        compact = "".join(text.split())
        for rule in self.rules:
            if m := rule.pattern.search(compact):
                day = None if rule.end_of_month else _number(m.group("day"))
                if day is not None and not 1 <= day <= 31:
                    continue
                return DueRule(rule.period, rule.month, day, m.group(0))
        return None

    def rule_sentences(self, text: str) -> list[str]:
        """The sentences of a notice that state a reporting rule (a rule phrase and 报 in one sentence)."""
        sentences = re.split(r"[。；;\n]", text)
        return [s.strip() for s in sentences if "报" in s and self.find_rule(s) is not None]

    def default_rule(self, kind: PeriodKind) -> DueRule:
        rule = self.find_rule(self.defaults[kind])
        if rule is None or rule.period != kind:
            raise ValueError(f"progress.toml: the default rule for {kind} does not parse: {self.defaults[kind]!r}")
        return rule

    def status(self, word: str) -> Status | None:
        """The status a word means (推进 → 推进中), or None."""
        return self.statuses.get(word.strip())

    def found(self, name: str, text: str) -> list[str]:
        """The cue phrases of list `name` that occur in `text`."""
        return [cue for cue in self.cues.get(name, ()) if cue in text]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else chinese_to_int(text)


@cache
def language(path: Path = DATA_FILE) -> ProgressLanguage:
    """Read and check the data file once per process."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for entry in data.get("due_rules", []):
        period, month = entry["period"], entry["month"]
        if period not in get_args(PeriodKind) or month not in get_args(MonthChoice):
            raise ValueError(f"{path}: due rule {entry!r}: period must be quarter|month, month first|last|next")
        rules.append(RulePattern(re.compile(entry["pattern"].replace("{num}", f"(?:{_NUM})")),
                                 cast(PeriodKind, period), cast(MonthChoice, month), entry.get("day") == "end"))
    statuses: dict[str, Status] = {}
    for status, words in data.get("statuses", {}).items():
        if status not in STATUSES:
            raise ValueError(f"{path}: unknown status {status!r}; expected one of {'、'.join(STATUSES)}")
        for word in (status, *words):
            statuses[word] = cast(Status, status)
    cues = {name: tuple(sorted(words, key=len, reverse=True)) for name, words in data.get("cues", {}).items()}
    return ProgressLanguage(tuple(rules), dict(data.get("defaults", {})), statuses, cues,
                            tuple(data.get("chart", {}).get("fonts", ())))
