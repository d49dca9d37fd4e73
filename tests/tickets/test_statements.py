"""The ticket list pages send as many statements for fifty tickets as for two (issue #15: no N+1)."""

from helpdesk.tickets import questions
from helpdesk.tickets.services import file_ticket
from tests.statements import statements_for_page

PAGES = {"support": ["/tickets", "/tickets/queue"], "leader": ["/tickets", "/tickets/triage", "/questions"]}


def _file(desk, create_coach, create_user, n):
    """n tickets, each filed by a coach of its own in Lea's team and (every other one) assigned to a support
    user of its own or to Sue; and a question to Lea from each of those coaches."""
    for i in range(n):
        coach = create_coach(team_leader=desk.lea)
        ticket = file_ticket(coach, "Kim", f"Payout page error {i}", "Payouts")
        if i % 2:
            ticket.status = "triaged"
            ticket.assignee_id = (desk.sue if i % 4 == 1 else create_user("support")).id
        questions.ask(coach, f"Is this worth a ticket? {i}")


def _counts(client, auth, desk):
    counts = {}
    for role, user in (("support", desk.sue), ("leader", desk.lea)):
        auth.login(user)
        for path in PAGES[role]:
            counts[role, path] = len(statements_for_page(client, path))
        auth.logout()
    return counts


def test_ticket_lists_send_no_statement_per_row(client, auth, desk, create_coach, create_user):
    _file(desk, create_coach, create_user, 2)
    few = _counts(client, auth, desk)
    _file(desk, create_coach, create_user, 48)
    many = _counts(client, auth, desk)
    assert many == few
