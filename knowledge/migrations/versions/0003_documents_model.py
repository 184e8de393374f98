"""documents model: place and layout of a document, numbering, leaders, deadline and extra columns of a row

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


_ADDED: dict[str, list[sa.Column[object]]] = {
    "documents": [sa.Column("place", sa.String(length=100), nullable=False, server_default=""),
                  sa.Column("level", sa.String(length=10), nullable=False, server_default=""),
                  sa.Column("lead_marked", sa.Boolean(), nullable=False, server_default=sa.true()),
                  sa.Column("layout", sa.JSON(), nullable=False, server_default="{}")],
    "items": [sa.Column("no_text", sa.String(length=50), nullable=False, server_default=""),
              sa.Column("leaders", sa.JSON(), nullable=False, server_default="[]"),
              sa.Column("deadline_text", sa.String(length=200), nullable=False, server_default=""),
              sa.Column("deadline", sa.Date(), nullable=True),
              sa.Column("extra", sa.JSON(), nullable=False, server_default="{}")],
    "item_units": [sa.Column("role", sa.String(length=12), nullable=False, server_default="")],
}


def upgrade() -> None:
    # Only added columns with defaults, never a batch copy: on SQLite a batch recreates the table, and
    # dropping the old `documents` would cascade to every stored row.
    for table, columns in _ADDED.items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in reversed(_ADDED.items()):
        for column in reversed(columns):
            if sqlite:  # SQLite ≥ 3.35 drops a column in place (Alembic's own way is a batch copy)
                op.execute(f'ALTER TABLE {table} DROP COLUMN "{column.name}"')
            else:
                op.drop_column(table, column.name)
