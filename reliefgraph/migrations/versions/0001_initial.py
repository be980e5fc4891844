"""Initial schema: the tables as `create_all` made them before migrations.

A database created before this project had migrations already holds exactly
this schema; `reliefgraph.appdb.migrate` stamps it with this revision
instead of running it.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit log is append-only in the database itself, not only in the code.
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_POSTGRESQL_TRIGGERS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('prev_hash')
    )
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)
    op.create_index(op.f('ix_audit_log_actor'), 'audit_log', ['actor'], unique=False)

    op.create_table('clues',
    sa.Column('clue_id', sa.String(), nullable=False),
    sa.Column('family', sa.String(), nullable=False),
    sa.Column('subject_id', sa.String(), nullable=False),
    sa.Column('subject_name', sa.String(), nullable=True),
    sa.Column('household_id', sa.String(), nullable=True),
    sa.Column('region_code', sa.String(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('severity', sa.String(), nullable=False),
    sa.Column('rule_ids', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('first_seen', sa.String(), nullable=False),
    sa.Column('last_seen', sa.String(), nullable=False),
    sa.Column('last_run', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('clue_id')
    )
    op.create_index(op.f('ix_clues_family'), 'clues', ['family'], unique=False)
    op.create_index(op.f('ix_clues_region_code'), 'clues', ['region_code'], unique=False)
    op.create_index(op.f('ix_clues_subject_id'), 'clues', ['subject_id'], unique=False)

    op.create_table('detection_runs',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('started', sa.String(), nullable=False),
    sa.Column('finished', sa.String(), nullable=True),
    sa.Column('as_of', sa.String(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('seconds', sa.JSON(), nullable=True),
    sa.Column('hits', sa.Integer(), nullable=True),
    sa.Column('clues', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('run_id')
    )
    op.create_table('resolution_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(), nullable=False),
    sa.Column('mapping', sa.String(), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('birth_date', sa.String(), nullable=True),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('decided_at', sa.String(), nullable=False),
    sa.Column('reviewed_by', sa.String(), nullable=True),
    sa.Column('reviewed_at', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'row', name='uq_decision_row')
    )
    op.create_table('sessions',
    sa.Column('token_sha256', sa.String(), nullable=False),
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('created', sa.String(), nullable=False),
    sa.Column('last_seen', sa.String(), nullable=False),
    sa.Column('expires', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('token_sha256')
    )
    op.create_index(op.f('ix_sessions_username'), 'sessions', ['username'], unique=False)

    op.create_table('sign_in_failures',
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure', sa.String(), nullable=False),
    sa.Column('locked_until', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('users',
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created', sa.String(), nullable=False),
    sa.Column('last_sign_in', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('case_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('clue_id', sa.String(), nullable=False),
    sa.Column('at', sa.String(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('from_status', sa.String(), nullable=False),
    sa.Column('to_status', sa.String(), nullable=False),
    sa.Column('assignee', sa.String(), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['clue_id'], ['clues.clue_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_case_history_clue_id'), 'case_history', ['clue_id'], unique=False)

    op.create_table('cases',
    sa.Column('clue_id', sa.String(), nullable=False),
    sa.Column('assignee', sa.String(), nullable=True),
    sa.Column('assigned_by', sa.String(), nullable=True),
    sa.Column('opened', sa.String(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('concluded', sa.String(), nullable=True),
    sa.Column('concluded_by', sa.String(), nullable=True),
    sa.Column('updated', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['clue_id'], ['clues.clue_id'], ),
    sa.PrimaryKeyConstraint('clue_id')
    )
    op.create_index(op.f('ix_cases_assignee'), 'cases', ['assignee'], unique=False)

    op.create_table('clue_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clue_id', sa.String(), nullable=False),
    sa.Column('rule_id', sa.String(), nullable=False),
    sa.Column('grant_id', sa.String(), nullable=True),
    sa.Column('related_id', sa.String(), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clue_id'], ['clues.clue_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_clue_findings_clue_id'), 'clue_findings', ['clue_id'], unique=False)
    op.create_index(op.f('ix_clue_findings_rule_id'), 'clue_findings', ['rule_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for ddl in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(ddl)


def downgrade() -> None:
    for table in (
        'clue_findings', 'cases', 'case_history', 'users',
        'sign_in_failures', 'sessions', 'resolution_decisions', 'detection_runs', 'clues', 'audit_log',
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
