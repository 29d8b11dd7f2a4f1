"""designations, their number sequences, returned villages, signatories

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("returned_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("returned_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("revision", sa.Integer(), server_default="1", nullable=False)
        )
        batch.create_foreign_key(
            op.f("fk_village_returned_by_id_user"), "user", ["returned_by_id"], ["id"]
        )
    with op.batch_alter_table("regency_setting") as batch:
        batch.add_column(sa.Column("office_name", sa.String(150), nullable=True))
        batch.add_column(sa.Column("signatory_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("signatory_title", sa.String(150), nullable=True))

    op.create_table(
        "designation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(13), nullable=False),
        sa.Column("regency_code", sa.String(13), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("token", sa.String(43), nullable=False),
        sa.Column("designated_on", sa.Date(), nullable=False),
        sa.Column("designated_at", sa.DateTime(), nullable=False),
        sa.Column("village_name", sa.String(100), nullable=False),
        sa.Column("village_kind", sa.String(10), nullable=False),
        sa.Column("district_name", sa.String(100), nullable=False),
        sa.Column("regency_name", sa.String(100), nullable=False),
        sa.Column("province_name", sa.String(100), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("office_name", sa.String(150), nullable=False),
        sa.Column("signatory_name", sa.String(100), nullable=False),
        sa.Column("signatory_title", sa.String(150), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("report_as_of", sa.Date(), nullable=False),
        sa.Column("active_participants", sa.Integer(), nullable=False),
        sa.Column("worker_potential", sa.Integer(), nullable=False),
        sa.Column("coverage_tenths", sa.Integer(), nullable=False),
        sa.Column("threshold_tenths", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["village_code"],
            ["village.code"],
            name=op.f("fk_designation_village_code_village"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user.id"],
            name=op.f("fk_designation_approved_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user.id"], name=op.f("fk_designation_ended_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_designation_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["designation.id"],
            name=op.f("fk_designation_superseded_by_id_designation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designation")),
        sa.UniqueConstraint("number", name=op.f("uq_designation_number")),
        sa.UniqueConstraint("token", name=op.f("uq_designation_token")),
        sa.UniqueConstraint(
            "regency_code",
            "year",
            "sequence",
            name=op.f("uq_designation_regency_code"),
        ),
    )
    op.create_index(
        "ix_designation_village", "designation", ["village_code", "designated_at"]
    )
    op.create_index(
        "ix_designation_regency_day", "designation", ["regency_code", "designated_on"]
    )
    op.create_index(
        "uq_designation_one_active",
        "designation",
        ["village_code"],
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    )
    op.create_table(
        "designation_sequence",
        sa.Column("regency_code", sa.String(13), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "regency_code", "year", name=op.f("pk_designation_sequence")
        ),
    )


def downgrade():
    op.drop_table("designation_sequence")
    op.drop_index("uq_designation_one_active", table_name="designation")
    op.drop_index("ix_designation_regency_day", table_name="designation")
    op.drop_index("ix_designation_village", table_name="designation")
    op.drop_table("designation")
    with op.batch_alter_table("regency_setting") as batch:
        batch.drop_column("signatory_title")
        batch.drop_column("signatory_name")
        batch.drop_column("office_name")
    with op.batch_alter_table("village") as batch:
        batch.drop_constraint(
            op.f("fk_village_returned_by_id_user"), type_="foreignkey"
        )
        batch.drop_column("revision")
        batch.drop_column("returned_by_id")
        batch.drop_column("returned_at")
        batch.drop_column("returned_reason")
