"""designation criteria beyond the threshold, village officials, payers told apart

Reports gain the migrant-worker segment (PMI), the province's and the regency's
budgets, CSR and donations, and other payers; what they recorded as "APBD" and "CSR
or other" is kept in those columns, shown as "APBD, level not recorded" and "CSR or
other". Villages keep what the criteria still miss, computed here for the threshold
(the only criterion there was).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REPORT_FIGURES = ("pmi", "apbd_province", "apbd_regency", "csr", "other")
OFFICIALS = ("perangkat", "bpd", "rtrw")

# More active participants each village needs to reach its threshold, from its latest
# report: the ceiling of threshold x potential / 1000, less the active participants
# (rules.participants_needed, in integer SQL that SQLite and PostgreSQL share).
NEEDED = (
    "(COALESCE((SELECT threshold_tenths FROM regency_setting"
    " WHERE regency_setting.regency_code = village.regency_code),"
    " (SELECT threshold_tenths FROM programme_setting WHERE id = 1), 900)"
    " * report.worker_potential + 999) / 1000 - report.active_participants"
)
MISSING = (
    f"UPDATE village SET participants_missing = (SELECT CASE WHEN {NEEDED} > 0 "
    f"THEN {NEEDED} ELSE 0 END FROM report WHERE report.village_code = village.code "
    "AND report.as_of = village.latest_report_date) "
    "WHERE latest_report_date IS NOT NULL"
)


def upgrade():
    for name in REPORT_FIGURES:
        op.add_column(
            "report", sa.Column(name, sa.Integer(), nullable=False, server_default="0")
        )
    for role in OFFICIALS:
        for count in ("total", "active"):
            op.add_column("report", sa.Column(f"{role}_{count}", sa.Integer()))
        op.add_column("village", sa.Column(f"{role}_total", sa.Integer()))
    op.add_column("village", sa.Column("participants_missing", sa.Integer()))
    op.add_column("village", sa.Column("officials_missing", sa.Integer()))
    op.create_index(
        "ix_village_regency_missing",
        "village",
        ["regency_code", "participants_missing"],
    )
    op.add_column(
        "programme_setting",
        sa.Column("official_roles", sa.String(40), nullable=False, server_default=""),
    )
    op.add_column(
        "programme_setting",
        sa.Column("quota", sa.Integer(), nullable=False, server_default="0"),
    )
    for table in ("programme_setting", "regency_setting"):
        op.add_column(table, sa.Column("quota_payer", sa.String(20)))
    op.add_column("regency_setting", sa.Column("official_roles", sa.String(40)))
    op.add_column("regency_setting", sa.Column("quota", sa.Integer()))
    op.execute(MISSING)


def downgrade():
    with op.batch_alter_table("regency_setting") as batch:
        for name in ("official_roles", "quota", "quota_payer"):
            batch.drop_column(name)
    with op.batch_alter_table("programme_setting") as batch:
        for name in ("official_roles", "quota", "quota_payer"):
            batch.drop_column(name)
    op.drop_index("ix_village_regency_missing", table_name="village")
    with op.batch_alter_table("village") as batch:
        for name in ("participants_missing", "officials_missing"):
            batch.drop_column(name)
        for role in OFFICIALS:
            batch.drop_column(f"{role}_total")
    with op.batch_alter_table("report") as batch:
        for name in REPORT_FIGURES:
            batch.drop_column(name)
        for role in OFFICIALS:
            for count in ("total", "active"):
                batch.drop_column(f"{role}_{count}")
