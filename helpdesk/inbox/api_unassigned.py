"""GET /api/v1/clients/unassigned: the unassigned queue (team leaders and admins), on the inbox's API."""

from helpdesk.api_pages import page_body, page_of
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.clients.assignments import QUEUE_ROLES
from helpdesk.clients.schemas import UnassignedArgs, UnassignedClientSchema
from helpdesk.extensions import db
from helpdesk.inbox.api import blp
from helpdesk.inbox.unassigned import unassigned_clients, waiting_threads_of

UNASSIGNED_PAGE_SIZE = 50


@blp.route("/clients/unassigned")
@roles_required(*QUEUE_ROLES)
@blp.arguments(UnassignedArgs, location="query")
@blp.response(200, page_of(UnassignedClientSchema))
def unassigned(args):
    """Team leaders and admins: the clients with no coach, oldest open wait first, with their waiting threads."""
    page = db.paginate(unassigned_clients(signed_in_user()), page=args["page"],
                       per_page=UNASSIGNED_PAGE_SIZE, error_out=False)
    clients = list(page.items)
    waits = waiting_threads_of([c.id for c in clients])
    items = [{"id": c.id, "external_id": c.external_id, "name": c.name, "joined_on": c.joined_on,
              "waiting_threads": waits[c.id]} for c in clients]
    return page_body(items, args["page"], page.total or 0, UNASSIGNED_PAGE_SIZE)
