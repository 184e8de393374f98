"""The fixed sets of values the reader, the store and the answering layer share, defined once.

Standard library only: the catalog imports this, and answering from a cached snapshot must not load the
reader package (whose `__init__` pulls in SQLAlchemy) just for a type.
"""

from __future__ import annotations

from typing import Literal, get_args

# The two tables of a task document: key tasks (`K…`) and livelihood projects (`L…`, 民生实事).
TableKind = Literal["key_task", "livelihood"]
# A unit's part in a row as the document writes it: marked lead, supporting, or responsible where the
# document marks no lead at all (answered as 负责, exported as lead, CONTRACT §5).
UnitRole = Literal["lead", "support", "responsible"]
# What a body is: a department (区民政局), a street or town (五马街道), a government below the document's (a
# 市's 青田县, a 省's 丽水市: "county"), or a group addressee (各街镇, 各县（市、区）政府).
UnitKind = Literal["department", "street", "county", "group"]

_TABLE_KINDS: tuple[TableKind, ...] = get_args(TableKind)
_UNIT_KINDS: tuple[UnitKind, ...] = get_args(UnitKind)


def table_kind(value: str) -> TableKind:
    """`value` (a stored column) as a TableKind; anything else is a broken database, said so."""
    for kind in _TABLE_KINDS:
        if value == kind:
            return kind
    raise ValueError(f"unknown row kind {value!r} (expected one of {', '.join(_TABLE_KINDS)})")


def unit_kind(value: str) -> UnitKind:
    """`value` (a stored column or a data file's word) as a UnitKind, else ValueError naming it."""
    for kind in _UNIT_KINDS:
        if value == kind:
            return kind
    raise ValueError(f"unknown unit kind {value!r} (expected one of {', '.join(_UNIT_KINDS)})")
