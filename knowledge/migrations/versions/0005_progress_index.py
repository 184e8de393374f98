"""progress reports: the period index ordered by unit and covering status and id, so that /overview reads who
reported what with one grouped query from the index alone

Revision ID: 0005_progress_index
Revises: 0004_progress_reports
"""

from __future__ import annotations

from alembic import op

revision = "0005_progress_index"
down_revision = "0004_progress_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_progress_reports_period", "progress_reports")
    op.create_index("ix_progress_reports_unit", "progress_reports",
                    ["document", "period", "unit", "row_id", "status", "reported_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_progress_reports_unit", "progress_reports")
    op.create_index("ix_progress_reports_period", "progress_reports",
                    ["document", "period", "row_id", "unit", "reported_at"])
