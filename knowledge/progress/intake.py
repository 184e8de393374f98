"""Checking a report before it is stored: the row, the unit's part in it, the status, percent and text.

Errors are ReportError with a sentence that names the input and the fix; nothing is stored then.
"""

from __future__ import annotations

from knowledge.catalog import Catalog
from knowledge.progress.language import STATUSES, language
from knowledge.progress.periods import Period
from knowledge.progress.status import Duty, Reporting
from knowledge.progress.store import MAX_TEXT, ReportInput


class ReportError(ValueError):
    """A report that cannot be stored as given."""


def row_duty(reporting: Reporting, row_id: str) -> Duty:
    """The duty of a row id as typed (k5-12, Ｋ５－１２), or ReportError."""
    from knowledge.reminders.deadlines import DeadlineError
    from knowledge.reminders.store import row_in

    try:
        canonical = row_in(reporting.catalog, row_id)
    except DeadlineError:
        raise ReportError(f"文件中没有任务编号“{row_id}”：请写成 K5-12（重点工作）或 L8-2（民生实事）") from None
    duty = next((d for d in reporting.duties if d.row.id == canonical), None)
    if duty is None:
        raise ReportError(f"{canonical} 写给全体单位（如“全区各部门”），没有具体的牵头单位，不需要单独报送进展")
    return duty


def unit_name(catalog: Catalog, text: str) -> str | None:
    """A unit's canonical name from its name or any spelling the catalog knows."""
    text = text.strip()
    if text in catalog.units:
        return text
    return next((name for name, info in catalog.units.items() if text in info.aliases), None)


def check_report(reporting: Reporting, row_id: str, period: Period, status: str, *, percent: int | None = None,
                 text: str = "", unit: str | None = None) -> ReportInput:
    """A ReportInput for the row's lead unit (or `unit`, which must lead or, if configured, support the row)."""
    duty = row_duty(reporting, row_id)
    if unit is None:
        reporter = duty.leads[0]
    else:
        name = unit_name(reporting.catalog, unit)
        if name is None:
            raise ReportError(f"没有找到单位“{unit}”：请写出文件中的单位名称，例如 区民政局")
        if name not in duty.leads and name not in duty.supporters:
            role = "牵头或配合" if reporting.settings.include_supporting else "牵头"
            raise ReportError(f"{name} 不是 {duty.row.id} 的{role}单位（牵头：{'、'.join(duty.leads)}）")
        reporter = name
    canonical = language().status(status)
    if canonical is None:
        raise ReportError(f"无法识别状态“{status}”：请用 {'、'.join(STATUSES)} 之一")
    if percent is not None and not 0 <= percent <= 100:
        raise ReportError(f"进度应为 0 到 100 之间的整数（收到 {percent}）")
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise ReportError(f"进展情况最多 {MAX_TEXT} 字（收到 {len(text)} 字），请精简后再报")
    return ReportInput(duty.row.id, reporter, str(period), canonical, percent, text)
