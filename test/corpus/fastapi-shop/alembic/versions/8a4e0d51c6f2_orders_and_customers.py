"""orders and customers

Revision ID: 8a4e0d51c6f2
Revises: 3f1c2a7b9d10
Create Date: 2023-12-11 16:40:03.774120

"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "8a4e0d51c6f2"
down_revision = "3f1c2a7b9d10"
branch_labels = None
depends_on = None

order_status = sa.Enum("pending", "paid", "shipped", "cancelled", name="orderstatus")


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("hashed_password", sa.String(200), nullable=False),
        sa.Column("is_staff", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("status", order_status, nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("payment_ref", sa.String(64)),
    )
    # Seed a system customer used by the marketplace importer.
    customers = table("customers", column("email"), column("full_name"), column("hashed_password"), column("created_at"))
    op.bulk_insert(
        customers,
        [{"email": "importer@shop.internal", "full_name": "Importer", "hashed_password": "!", "created_at": datetime.utcnow()}],
    )


def downgrade() -> None:
    op.drop_table("orders")
    op.drop_table("customers")
    order_status.drop(op.get_bind(), checkfirst=False)
