"""initial

Revision ID: 0001
"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("domain", sa.String(200), unique=True),
        sa.Column("created_at", sa.DateTime, default=datetime.datetime.utcnow),
    )


def downgrade():
    op.drop_table("companies")
