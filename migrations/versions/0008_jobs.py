"""background jobs, and an upload's checked rows

Long work (an import's check and its confirmation) runs in the job worker; the job row
says who asked, how far it got and what came of it. An upload's check is kept row
by row, so that its preview pages through it and its confirmation writes what was
checked unless a village changed since.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(32), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE")
        ),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer),
        sa.Column("outcome", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_index("ix_job_user_created", "job", ["user_id", "created_at"])
    with op.batch_alter_table("pending_import") as batch:
        batch.add_column(sa.Column("checked_at", sa.DateTime))
        batch.add_column(sa.Column("summary", sa.JSON))
    op.create_table(
        "import_row",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "pending_id",
            sa.Integer,
            sa.ForeignKey("pending_import.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("list", sa.String(13), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("code", sa.String(13)),
        sa.Column("column", sa.String(100)),
        sa.Column("value", sa.String(200)),
        sa.Column("message", sa.Text),
        sa.Column("values", sa.JSON),
        sa.Column("revision", sa.Integer),
    )
    op.create_index("ix_import_row_list", "import_row", ["pending_id", "list", "row"])


def downgrade():
    op.drop_index("ix_import_row_list", "import_row")
    op.drop_table("import_row")
    with op.batch_alter_table("pending_import") as batch:
        batch.drop_column("summary")
        batch.drop_column("checked_at")
    op.drop_index("ix_job_user_created", "job")
    op.drop_table("job")
