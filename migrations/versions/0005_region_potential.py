"""a regency's (or kecamatan's) own worker potential, which its target is measured by

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "region_potential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(13), nullable=False),
        sa.Column("worker_potential", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("source_note", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_region_potential_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_region_potential_recorded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_potential")),
        sa.UniqueConstraint(
            "region_code", "as_of", name=op.f("uq_region_potential_region_code")
        ),
    )


def downgrade():
    op.drop_table("region_potential")
