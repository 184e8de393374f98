"""subscription documents: each subscription names the document whose rows it follows (issue 8, a chat's /doc)

Revision ID: 0008_subscription_documents
Revises: 0007_chat_documents
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_subscription_documents"
down_revision = "0007_chat_documents"
branch_labels = None
depends_on = None


# 0002 left the unique constraint unnamed: PostgreSQL named it itself; SQLite's is found by this convention
# when the batch copies the table.
_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
_OLD = ["chat_id", "target_kind", "target"]
_NEW = ["chat_id", "document", "target_kind", "target"]


def _name(columns: list[str]) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "subscriptions_" + "_".join(columns) + "_key"
    return "uq_subscriptions_" + "_".join(columns)


def upgrade() -> None:
    # Existing subscriptions keep "": they follow the answering document, as they did.
    with op.batch_alter_table("subscriptions", naming_convention=_CONVENTION) as batch_op:
        batch_op.add_column(sa.Column("document", sa.String(length=100), nullable=False, server_default=""))
        batch_op.drop_constraint(_name(_OLD), type_="unique")
        batch_op.create_unique_constraint(_name(_NEW), _NEW)


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", naming_convention=_CONVENTION) as batch_op:
        batch_op.drop_constraint(_name(_NEW), type_="unique")
        batch_op.create_unique_constraint(_name(_OLD), _OLD)
        batch_op.drop_column("document")
