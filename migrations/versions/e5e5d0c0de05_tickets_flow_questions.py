"""Tickets, complete (issue 13): the status flow new -> ... -> closed with its timeline, category, When's
times and still-happening, desk links, people in Who, merge, response clocks, internal notes, questions to
the team leader, and screenshots on questions. Existing 'open' tickets become 'new' (the same state, renamed).

Revision ID: e5e5d0c0de05
Revises: d4e5d0c0de04
Create Date: 2026-12-01 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'e5e5d0c0de05'
down_revision = "d4e5d0c0de04"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('open','triaged','in_progress','resolved','closed')"
NEW_STATUSES = "status IN ('new','triaged','in_progress','waiting_on_coach','resolved','closed')"
CATEGORIES = ("category IS NULL OR category IN "
              "('account','billing','bug','client_data','marketplace','messaging','other')")


def upgrade():
    op.create_table('ticket_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open','answered','escalated')", name=op.f('ck_ticket_questions_status')),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_ticket_questions_asker_id_users')),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_ticket_questions_leader_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_questions_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_questions')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_ticket_questions_ticket_id'))
    )
    with op.batch_alter_table('ticket_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_questions_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_questions_leader_id'), ['leader_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ticket_events_actor_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_people',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_people_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_people_user_id_users')),
    sa.PrimaryKeyConstraint('ticket_id', 'user_id', name=op.f('pk_ticket_people'))
    )

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tickets_status'), type_='check')
    op.execute("UPDATE tickets SET status = 'new' WHERE status = 'open'")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=12), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('links', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('times_seen', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('still_happening', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_response_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tickets_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_merged_into_id_tickets'), 'tickets',
                                    ['merged_into_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_tickets_status'), NEW_STATUSES)
        batch_op.create_check_constraint(batch_op.f('ck_tickets_category'), CATEGORIES)
        batch_op.create_check_constraint(batch_op.f('ck_tickets_times_seen'), "times_seen >= 1")

    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('ticket_attachments', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_attachments_question_id'), ['question_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_attachments_question_id_ticket_questions'),
                                    'ticket_questions', ['question_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_ticket_attachments_owner'),
                                         "ticket_id IS NOT NULL OR question_id IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM ticket_attachments WHERE ticket_id IS NULL")
    with op.batch_alter_table('ticket_attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ticket_attachments_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ticket_attachments_question_id_ticket_questions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_attachments_question_id'))
        batch_op.drop_column('question_id')
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.drop_column('internal')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tickets_times_seen'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tickets_category'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tickets_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_tickets_merged_into_id_tickets'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tickets_merged_into_id'))
        for column in ('closed_at', 'resolved_at', 'first_response_at', 'merged_into_id', 'category',
                       'still_happening', 'times_seen', 'links'):
            batch_op.drop_column(column)
    # the states the old flow lacks fall back to their nearest old neighbour
    op.execute("UPDATE tickets SET status = 'open' WHERE status = 'new'")
    op.execute("UPDATE tickets SET status = 'in_progress' WHERE status = 'waiting_on_coach'")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), type_=sa.String(length=12),
                              existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_tickets_status'), OLD_STATUSES)
    op.drop_table('ticket_people')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))
    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_questions_leader_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_questions_asker_id'))
    op.drop_table('ticket_questions')
