"""page role: what each crawled page is (home, hub, article, listing, ...) and the features that decided it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('page') as batch:
        batch.add_column(sa.Column('role', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('role_detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('page') as batch:
        batch.drop_column('role_detail')
        batch.drop_column('role')
