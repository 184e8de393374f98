"""chat documents: the document each chat chose with /doc (issue 8, several documents in one bot)

Revision ID: 0007_chat_documents
Revises: 0006_conversation_states
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_chat_documents"
down_revision = "0006_conversation_states"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: a chat without a row keeps asking the answering document, as before.
    op.create_table(
        "chat_documents",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=False),
        sa.Column("chosen_by", sa.BigInteger(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_documents")
