"""Orders: units, users' units, five roles, orders with feedback and attachments.

- `units`, and `users.unit_id`;
- role `inspector` becomes `verifier` (dispatcher and reviewer are new);
- `orders`, `order_events`, `order_feedback`, `order_attachments`;
- today's cases become orders, nothing lost: every account except the
  administrators, and every case, is put in the unit `legacy` (迁移前单位),
  from which an administrator moves people to their real units. A case
  that was assigned or in verification is an order in verification by the
  same person; a concluded case is a closed order whose one feedback holds
  its conclusion; each `case_history` row is an event of its order. The
  `cases` and `case_history` tables stay as they were.

Revision ID: 0002_orders
Revises: 0001
Create Date: 2026-12-03
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0002_orders"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY = "legacy"
# A copy of queries.rules.DEADLINE_DAYS as it was when this migration was
# written: a migration must not change when the application's table does.
_DEADLINE_DAYS = {"high": 7, "medium": 15, "low": 30}
_BEIJING = timezone(timedelta(hours=8))


def upgrade() -> None:
    op.create_table('units',
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('region_code', sa.String(), nullable=True),
    sa.Column('parent_unit', sa.String(), nullable=True),
    sa.Column('created', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['parent_unit'], ['units.unit_id'], ),
    sa.PrimaryKeyConstraint('unit_id')
    )
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('unit_id', sa.String(), nullable=True))
        batch.create_index(batch.f('ix_users_unit_id'), ['unit_id'], unique=False)
        batch.create_foreign_key('fk_users_unit_id_units', 'units', ['unit_id'], ['unit_id'])

    op.create_table('orders',
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('clue_id', sa.String(), nullable=False),
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('dispatcher_unit', sa.String(), nullable=False),
    sa.Column('dispatched_by', sa.String(), nullable=False),
    sa.Column('dispatched_at', sa.String(), nullable=False),
    sa.Column('deadline', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('assignee', sa.String(), nullable=True),
    sa.Column('claimed_at', sa.String(), nullable=True),
    sa.Column('submitted_at', sa.String(), nullable=True),
    sa.Column('closed_at', sa.String(), nullable=True),
    sa.Column('closed_by', sa.String(), nullable=True),
    sa.Column('vanished_at', sa.String(), nullable=True),
    sa.Column('updated', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['clue_id'], ['clues.clue_id'], ),
    sa.ForeignKeyConstraint(['dispatcher_unit'], ['units.unit_id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.unit_id'], ),
    sa.PrimaryKeyConstraint('order_id'),
    sa.UniqueConstraint('clue_id')
    )
    op.create_index(op.f('ix_orders_assignee'), 'orders', ['assignee'], unique=False)
    op.create_index(op.f('ix_orders_dispatcher_unit'), 'orders', ['dispatcher_unit'], unique=False)
    op.create_index(op.f('ix_orders_status'), 'orders', ['status'], unique=False)
    op.create_index(op.f('ix_orders_unit_id'), 'orders', ['unit_id'], unique=False)

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('at', sa.String(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('from_status', sa.String(), nullable=True),
    sa.Column('to_status', sa.String(), nullable=False),
    sa.Column('assignee', sa.String(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.order_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_order_events_order_id'), 'order_events', ['order_id'], unique=False)

    op.create_table('order_feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_by', sa.String(), nullable=False),
    sa.Column('submitted_at', sa.String(), nullable=False),
    sa.Column('conclusion', sa.String(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('amount_involved_fen', sa.Integer(), nullable=False),
    sa.Column('amount_recovered_fen', sa.Integer(), nullable=False),
    sa.Column('households_stopped', sa.Integer(), nullable=False),
    sa.Column('people_stopped', sa.Integer(), nullable=False),
    sa.Column('rectification', sa.Text(), nullable=True),
    sa.Column('accountability_people', sa.Integer(), nullable=False),
    sa.Column('accountability_kind', sa.String(), nullable=True),
    sa.Column('review', sa.String(), nullable=True),
    sa.Column('reviewed_by', sa.String(), nullable=True),
    sa.Column('reviewed_at', sa.String(), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.order_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id', 'version', name='uq_feedback_version')
    )
    op.create_index(op.f('ix_order_feedback_order_id'), 'order_feedback', ['order_id'], unique=False)

    op.create_table('order_attachments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('feedback_version', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(), nullable=False),
    sa.Column('uploaded_by', sa.String(), nullable=False),
    sa.Column('uploaded_at', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.order_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_order_attachments_order_id'), 'order_attachments', ['order_id'], unique=False)

    _migrate_rows(op.get_bind())


# Lightweight table handles: the data as it is at this revision, not as the
# application's current declarations say.
_users = sa.table("users", sa.column("username"), sa.column("role"), sa.column("unit_id"))
_units = sa.table("units", sa.column("unit_id"), sa.column("name"), sa.column("kind"), sa.column("created"))
_clues = sa.table("clues", sa.column("clue_id"), sa.column("status"), sa.column("severity"))
_cases = sa.table("cases", sa.column("clue_id"), sa.column("assignee"), sa.column("assigned_by"),
                  sa.column("opened"), sa.column("conclusion"), sa.column("concluded"), sa.column("concluded_by"),
                  sa.column("updated"))
_history = sa.table("case_history", sa.column("id"), sa.column("clue_id"), sa.column("at"), sa.column("actor"),
                    sa.column("action"), sa.column("from_status"), sa.column("to_status"), sa.column("assignee"),
                    sa.column("conclusion"), sa.column("note"))
_orders = sa.table("orders", *(sa.column(c) for c in (
    "order_id", "clue_id", "unit_id", "dispatcher_unit", "dispatched_by", "dispatched_at", "deadline", "status",
    "assignee", "claimed_at", "closed_at", "closed_by", "submitted_at", "updated")))
_events = sa.table("order_events", *(sa.column(c) for c in (
    "order_id", "at", "actor", "role", "action", "from_status", "to_status", "assignee", "note")))
_feedback = sa.table("order_feedback", *(sa.column(c) for c in (
    "order_id", "version", "submitted_by", "submitted_at", "conclusion", "facts", "amount_involved_fen",
    "amount_recovered_fen", "households_stopped", "people_stopped", "accountability_people", "review",
    "reviewed_by", "reviewed_at", "review_reason")))
_STATUS = {"open": "claimed", "in_verification": "claimed", "confirmed": "closed", "dismissed": "closed"}


def _deadline(opened: str, severity: str) -> str:
    try:
        start = datetime.fromisoformat(opened)
    except (TypeError, ValueError):
        start = datetime.now(timezone.utc)
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    return (start.astimezone(_BEIJING).date() + timedelta(days=_DEADLINE_DAYS.get(severity, 30))).isoformat()


def _migrate_rows(conn) -> None:
    conn.execute(sa.update(_users).where(_users.c.role == "inspector").values(role="verifier"))
    people = conn.execute(sa.select(_users.c.username).where(_users.c.role != "admin")).all()
    old = conn.execute(sa.select(_cases, _clues.c.status, _clues.c.severity)
                       .join(_clues, _clues.c.clue_id == _cases.c.clue_id)
                       .where(_clues.c.status != "new").order_by(_cases.c.clue_id)).all()
    if not people and not old:
        return
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.execute(sa.insert(_units).values(unit_id=LEGACY, name="迁移前单位（待调整） accounts and cases from before units",
                                          kind="other", created=now))
    conn.execute(sa.update(_users).where(_users.c.role != "admin").values(unit_id=LEGACY))
    for case in old:
        oid = f"M-{case.clue_id}"
        status = _STATUS.get(case.status, "dispatched")
        if status == "claimed" and not case.assignee:
            status = "dispatched"
        closed = status == "closed"
        conn.execute(sa.insert(_orders).values(
            order_id=oid, clue_id=case.clue_id, unit_id=LEGACY, dispatcher_unit=LEGACY,
            dispatched_by=case.assigned_by or "migration", dispatched_at=case.opened,
            deadline=_deadline(case.opened, case.severity), status=status, assignee=case.assignee,
            claimed_at=case.opened if case.assignee else None, closed_at=case.concluded if closed else None,
            closed_by=case.concluded_by if closed else None,
            submitted_at=case.concluded if closed else None, updated=case.updated))
        if closed:
            # Before review existed the inspector concluded alone: the review
            # is recorded as the migration's, with that said.
            conn.execute(sa.insert(_feedback).values(
                order_id=oid, version=1, submitted_by=case.concluded_by or case.assignee or "migration",
                submitted_at=case.concluded or case.updated,
                conclusion="true" if case.status == "confirmed" else "false",
                facts=case.conclusion or "（迁移前案件未填写结论 no conclusion was written）",
                amount_involved_fen=0, amount_recovered_fen=0, households_stopped=0, people_stopped=0,
                accountability_people=0, review="approved", reviewed_by="migration",
                reviewed_at=case.concluded or case.updated,
                review_reason="迁移：原案件由核查人员直接办结，未经审核 migrated: concluded before review existed"))
        steps = conn.execute(sa.select(_history).where(_history.c.clue_id == case.clue_id)
                             .order_by(_history.c.id)).all()
        for h in steps:
            note = "；".join(filter(None, [f"原案件操作 case step {h.action}", h.conclusion, h.note]))
            conn.execute(sa.insert(_events).values(
                order_id=oid, at=h.at, actor=h.actor, role=None, action="migrated", from_status=h.from_status,
                to_status=h.to_status, assignee=h.assignee, note=note))


def downgrade() -> None:
    for table in ('order_attachments', 'order_feedback', 'order_events', 'orders'):
        op.drop_table(table)
    bind = op.get_bind()
    # Lossy by nature: the new roles had no equivalent; they fall back to the least privilege.
    bind.execute(sa.update(_users).where(_users.c.role == "verifier").values(role="inspector"))
    bind.execute(sa.update(_users).where(_users.c.role.in_(["dispatcher", "reviewer"])).values(role="analyst"))
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('fk_users_unit_id_units', type_='foreignkey')
        batch.drop_index(batch.f('ix_users_unit_id'))
        batch.drop_column('unit_id')
    op.drop_table('units')
