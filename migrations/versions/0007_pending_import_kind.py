"""an upload kept for its preview says what it holds: reports or villages to register

Uploads kept before this release are all reports.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pending_import") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(10), nullable=False, server_default="reports")
        )


def downgrade():
    with op.batch_alter_table("pending_import") as batch:
        batch.drop_column("kind")
