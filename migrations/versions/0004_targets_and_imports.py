"""coverage targets per regency/city, spreadsheet imports waiting for confirmation

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("regency_setting") as batch:
        batch.add_column(sa.Column("target_tenths", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("target_date", sa.Date(), nullable=True))
    op.create_table(
        "pending_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(43), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_pending_import_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_import")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_import_token")),
    )
    op.create_index(
        op.f("ix_pending_import_created_at"), "pending_import", ["created_at"]
    )
    # Designations over time, for the whole country (a regency's has its own index).
    op.create_index("ix_designation_day", "designation", ["designated_on"])


def downgrade():
    op.drop_index("ix_designation_day", table_name="designation")
    op.drop_index(op.f("ix_pending_import_created_at"), table_name="pending_import")
    op.drop_table("pending_import")
    with op.batch_alter_table("regency_setting") as batch:
        batch.drop_column("target_date")
        batch.drop_column("target_tenths")
