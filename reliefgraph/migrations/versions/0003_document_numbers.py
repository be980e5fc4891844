"""Document numbers (发文字号) per issuing unit per year, and each unit's prefix.

Revision ID: 0003_document_numbers
Revises: 0002_orders
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_document_numbers"
down_revision = "0002_orders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_numbers',
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('issued_at', sa.String(), nullable=False),
    sa.Column('issued_by', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'year', 'seq')
    )
    op.create_table('document_series',
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('prefix', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id'),
    sa.UniqueConstraint('prefix')
    )


def downgrade() -> None:
    op.drop_table('document_series')
    op.drop_table('document_numbers')
