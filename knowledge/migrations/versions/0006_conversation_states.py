"""conversation states: what each chat remembers between messages (issue 9)

Revision ID: 0006_conversation_states
Revises: 0005_progress_index
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_conversation_states"
down_revision = "0005_progress_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: reminders and subscriptions are left untouched.
    op.create_table(
        "conversation_states",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("conversation_states", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_states_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation_states", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_states_updated_at")
    op.drop_table("conversation_states")

