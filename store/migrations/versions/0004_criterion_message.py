"""criterion message: each result's reason and suggestion as an audit.messages key and parameters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('criterion_result') as batch:
        batch.add_column(sa.Column('message', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('suggestion_message', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('criterion_result') as batch:
        batch.drop_column('suggestion_message')
        batch.drop_column('message')
