"""The access matrix: every URL rule of the app, as anonymous and as each of the six roles, with ids of the
caller's own objects, of objects the caller may not see, and of missing ones; the outcome of every cell
comes from the one table below. A rule or API operation missing from the table fails the test, so a new
route cannot be forgotten.

Outcomes, per cell:
- anonymous: public routes answer (< 400); the rest 401 (API) or a redirect to sign-in (pages);
- a role the route is not for: 403 or 404;
- an allowed role, its own object: a GET answers 200 (or redirects); a write is judged on its merits
  (2xx, 3xx, or a 4xx about the input: never 401, 403, 404, nor 405);
- an allowed role, an id that does not exist: 404 (a write may refuse its body first: 400 or 422);
- an allowed role, an object it may not see (another team's, another user's): exactly what a missing id
  answers, so nothing is confirmed;
- never a 5xx.
"""

from dataclasses import dataclass

from flask import url_for

from helpdesk.extensions import db
from tests.security.world import MONTH, ROLES, build_world

ABBREVIATIONS = {"cl": "client", "co": "coach", "tl": "team_leader", "au": "auditor", "su": "support",
                 "ad": "admin"}
MISSING_ID = 2_147_483_000

# endpoint, method, who may (public | any | roles), then the object kind of each URL argument. Rows run in
# this order on one desk, so a row that changes an object (escalating a question) comes after the rows that
# read it as it was.
TABLE = """
home.index                          GET     any
home.healthz                        GET     public
home.favicon                        GET     public
home.api_docs                       GET     public
api-docs.openapi_json               GET     public
auth.login                          GET     public
auth.login                          POST    public
auth.logout                         POST    public
admin.users                         GET     ad
admin.set_user_password             POST    ad                  user_id=user
me.me                               GET     any
inbox.index                         GET     co,tl
inbox.next_waiting_thread           GET     co,tl
inbox.bulk                          POST    tl
inbox.coverage                      GET     co,tl
inbox.team                          GET     tl
inbox.thread                        GET     any                 thread_id=thread
inbox.read                          POST    any                 thread_id=thread
inbox.reply                         POST    any                 thread_id=thread
inbox.client_home                   GET     cl
inbox.new_thread                    POST    cl
inbox.saved_replies                 GET     co,tl
inbox.saved_replies                 POST    co,tl
inbox.edit_saved_reply              POST    co,tl               reply_id=saved_reply
inbox.delete_saved_reply            POST    co,tl               reply_id=saved_reply
inbox.vacations                     GET     co,tl
inbox.vacations                     POST    co,tl
inbox.delete_vacation_route         POST    co,tl               vacation_id=vacation
inbox_api.list_threads              GET     any
inbox_api.create_thread             POST    cl
inbox_api.get_thread                GET     any                 thread_id=thread
inbox_api.create_message            POST    any                 thread_id=thread
inbox_api.read_thread               POST    any                 thread_id=thread
inbox_api.list_vacations            GET     co,tl
inbox_api.create_vacation           POST    co,tl
inbox_api.remove_vacation           DELETE  co,tl               vacation_id=api_vacation
inbox.unassigned                    GET     tl,ad
clients.assign                      POST    tl,ad               client_id=client
clients.settings                    GET     cl
clients.settings                    POST    cl
clients.rating                      GET     cl
clients.rating                      POST    cl
clients.survey                      GET     cl
clients.survey                      POST    cl
clients_api.client_facts            GET     co,tl,au,su,ad      client_id=client
clients_api.assign                  POST    tl,ad               client_id=client
clients_api.BalanceConsent          GET     any                 client_id=client
clients_api.BalanceConsent          PUT     cl                  client_id=client
inbox_api.unassigned                GET     tl,ad
clients_api.rate                    POST    cl
clients_api.answer_survey           POST    cl
notifications.index                 GET     any
notifications.open_notification     POST    any                 notification_id=notification
notifications.read_all              POST    any
audits.inbox                        GET     co,tl,ad
audits.act                          POST    co                  audit_id=audit
audits.dispute                      POST    co                  audit_id=audit
audits.resolve                      POST    tl,ad               audit_id=audit
calibration.index                   GET     tl,au,ad
calibration.review                  POST    au                  item_id=calibration
calibration.mark                    POST    tl,ad
audits.audit_message                POST    au,ad               message_id=message
audits.queue                        GET     au,ad
audits.queue_coaches                GET     au,ad
audits.queue_item                   GET     au,ad               item_id=queue_item
audits.claim                        POST    au,ad               item_id=queue_item
audits.release                      POST    au,ad               item_id=queue_item
audits.sample_now                   POST    ad
audits.add_thread_note              POST    co,tl,au,ad         thread_id=thread
audits_api.list_audits              GET     co,tl,au,ad
audits_api.action                   POST    co                  audit_id=audit
audits_api.dispute                  POST    co                  audit_id=audit
audits_api.resolve                  POST    tl,ad               audit_id=audit
audits_api.get_queue                GET     au,ad
audits_api.claim                    POST    au,ad               item_id=queue_item
audits_api.create                   POST    au,ad               message_id=message
audits_api.communication            GET     co,tl,au,su,ad      thread_id=thread
audits_api.post_note                POST    co,tl,au,ad         thread_id=thread
calibration_api.agreement           GET     tl,au,ad
calibration_api.list_calibration_items   GET     tl,au,ad
calibration_api.mark_for_calibration   POST    tl,ad
calibration_api.get_calibration_item   GET     tl,au,ad            item_id=calibration
calibration_api.review_calibration_item  POST    au                  item_id=calibration
moderation.queue                    GET     co,su,ad
moderation.marketplace              GET     cl
moderation.my_listings              GET     cl
moderation.listing                  GET     cl,co,tl,su,ad      listing_id=listing
moderation.claim                    POST    co,su,ad            listing_id=listing
moderation.decide                   POST    co,su,ad            listing_id=listing
moderation.release                  POST    co,su,ad            listing_id=listing
moderation.report                   POST    cl                  listing_id=listing
moderation.resolve_reports          POST    co,su,ad            listing_id=listing
moderation_api.list_listings        GET     cl,co,su,ad
moderation_api.get_listing          GET     cl,co,tl,su,ad      listing_id=listing
moderation_api.claim                POST    co,su,ad            listing_id=listing
moderation_api.release              DELETE  co,su,ad            listing_id=listing
moderation_api.add_decision         POST    co,su,ad            listing_id=listing
moderation_api.report               POST    cl                  listing_id=listing
moderation_api.resolve              POST    co,su,ad            listing_id=listing
tickets.index                       GET     co,tl,su,ad
tickets.new                         GET     co,tl
tickets.new                         POST    co,tl
tickets.show                        GET     co,tl,su,ad         ticket_id=ticket
tickets.update                      POST    co,tl,su,ad         ticket_id=ticket
tickets.add_note                    POST    co,tl,su,ad         ticket_id=ticket
tickets.add_attachment              POST    co,tl,su,ad         ticket_id=ticket
tickets.download                    GET     co,tl,su,ad         ticket_id=ticket attachment_id=attachment
tickets_api.Tickets                 GET     co,tl,su,ad
tickets_api.Tickets                 POST    co,tl
tickets_api.TicketItem              GET     co,tl,su,ad         ticket_id=ticket
tickets_api.TicketItem              PATCH   co,tl,su,ad         ticket_id=ticket
tickets_api.add_note                POST    co,tl,su,ad         ticket_id=ticket
tickets_api.add_attachment          POST    co,tl,su,ad         ticket_id=ticket
rankings.index                      GET     tl,ad
rankings.download_csv               GET     tl,ad               month=month
rankings.recompute                  POST    tl,ad
rankings.standing                   GET     co
rankings_api.get_ranking            GET     co,tl,ad            month=month
rankings_api.compute_ranking        POST    tl,ad               month=month
rankings_api.get_job                GET     any                 job_id=job
sla.index                           GET     tl,ad
sla_api.sla_report                  GET     tl,ad
ingest_api.ingest_batch             POST    ad
moderation.accuracy_page            GET     co,tl,su,ad
moderation.bulk                     POST    co,su,ad
moderation.edit_listing             GET     cl                  listing_id=listing
moderation.edit_listing             POST    cl                  listing_id=listing
moderation.listing_image            GET     public              image_id=image
moderation.listing_thumbnail        GET     public              image_id=image
moderation.new_listing              GET     cl
moderation.new_listing              POST    cl
moderation.review                   POST    co,su,ad            listing_id=listing
moderation.review_queue             GET     co,su,ad
moderation.withdraw_listing         POST    cl                  listing_id=listing
moderation_api.bulk                 POST    co,su,ad
moderation_api.create_listing       POST    cl
moderation_api.upload_photo         POST    cl
moderation_api.decide               POST    co,su,ad            listing_id=listing
moderation_api.edit_listing         PATCH   cl                  listing_id=listing
moderation_api.moderation_queue     GET     co,su,ad
moderation_api.review               POST    co,su,ad            listing_id=listing
moderation_api.review_queue         GET     co,su,ad
moderation_api.stats                GET     co,tl,su,ad
tickets.triage                      GET     tl,ad
tickets.queue                       GET     su,ad
tickets.take                        POST    su                  ticket_id=ticket
tickets.merge                       POST    tl,su,ad            ticket_id=ticket
tickets.ask                         GET     co
tickets.ask                         POST    co
tickets.question_list               GET     co,tl
tickets.question                    GET     co,tl,su,ad         question_id=question
tickets.question_attachment         GET     co,tl,su,ad         question_id=question attachment_id=question_attachment
tickets_api.add_comment             POST    co,tl,su,ad         ticket_id=ticket
tickets_api.merge                   POST    co,tl,su,ad         ticket_id=ticket
tickets_api.ask                     POST    co
tickets_api.show_question           GET     any                 question_id=question
tickets_api.answer                  POST    tl                  question_id=question
tickets_api.escalate                POST    tl                  question_id=question
tickets.answer                      POST    tl                  question_id=question
tickets.escalate                    POST    tl                  question_id=question
mail.settings                       GET     any
mail.settings                       POST    any
mail.unsubscribe                    GET     public              token=unsubscribe
mail.unsubscribe                    POST    public              token=unsubscribe
live.stream                         GET     any
live.thread_stream                  GET     any                 thread_id=thread
live.state                          GET     any
live.report_presence                POST    co,tl,au,su,ad      thread_id=thread
"""

# Which object of each kind a role sees as its own, and which it may not see (None: it sees them all).
# The keys name objects of tests/security/world.py.
VIEW = {
    "thread": {"client": ("A", "B"), "coach": ("A", "B"), "team_leader": ("A", "B"), "auditor": ("A", None),
               "support": ("A", None), "admin": ("A", None)},
    "client": {"client": ("A", "B"), "coach": ("A", "B"), "team_leader": ("A", "B"), "auditor": ("A", None),
               "support": ("A", None), "admin": ("A", None)},
    "message": {"auditor": ("A", None), "admin": ("A", None)},
    "audit": {"coach": ("A", "B"), "team_leader": ("A", "B"), "admin": ("A", None)},
    "queue_item": {"auditor": ("A", None), "admin": ("A", None)},
    "calibration": {"team_leader": ("A", "B"), "auditor": ("A", None), "admin": ("A", None)},
    "listing": {"client": ("A", "B"), "coach": ("A", None), "team_leader": ("A", None), "support": ("A", None),
                "admin": ("A", None)},
    "ticket": {"coach": ("A", "B"), "team_leader": ("A", "B"), "support": ("A", None), "admin": ("A", None)},
    "attachment": {"coach": ("A", "B"), "team_leader": ("A", "B"), "support": ("A", None), "admin": ("A", None)},
    "notification": {role: (role, "other") for role in ROLES},
    "job": {**{role: (role, "other") for role in ROLES}, "admin": ("admin", None)},
    "vacation": {"coach": ("A", "B"), "team_leader": ("TL", "B")},
    "api_vacation": {"coach": ("A", "B"), "team_leader": ("TL", "B")},
    "saved_reply": {"coach": ("A", "B"), "team_leader": ("TL", "B")},
    "user": {"admin": ("spare", None)},
    # A pending listing's photos: its seller and moderators; an approved one's: anyone (the anonymous cell).
    "image": {"client": ("A", "B"), "coach": ("A", None), "team_leader": ("A", None), "support": ("A", None),
              "admin": ("A", None), "auditor": (None, "A")},
    # A question: the asking coach and the team leader asked (support and admins once it is a ticket).
    "question": {"coach": ("A", "B"), "team_leader": ("A", "B"), "client": (None, "A"), "auditor": (None, "A"),
                 "support": (None, "A"), "admin": (None, "A")},
    "question_attachment": {"coach": ("A", "B"), "team_leader": ("A", "B"), "support": (None, "A"),
                            "admin": (None, "A")},
    "unsubscribe": {role: ("A", None) for role in ROLES},
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    who: frozenset | str  # "public", or the roles it is for
    args: tuple  # (argument, kind)

    def for_role(self, role: str) -> bool:
        return self.who == "public" or role in self.who


def parse_table() -> list[Route]:
    routes = []
    for line in TABLE.strip().splitlines():
        endpoint, method, who, *args = line.split()
        if who == "any":
            allowed: frozenset | str = frozenset(ROLES)
        elif who == "public":
            allowed = "public"
        else:
            allowed = frozenset(ABBREVIATIONS[a] for a in who.split(","))
        routes.append(Route(endpoint, method, allowed, tuple(tuple(a.split("=")) for a in args)))
    return routes


def app_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_and_api_operation_is_in_the_table(app, client):
    declared = {(r.endpoint, r.method) for r in parse_table()}
    assert len(declared) == len(parse_table()), "a route is declared twice"
    assert app_routes(app) - declared == set(), "routes missing from the access table"
    assert declared - app_routes(app) == set(), "the table names routes the app does not have"
    spec = client.get("/api/v1/openapi.json").get_json()
    with app.test_request_context():
        api_paths = {(rule.rule, m) for rule in app.url_map.iter_rules() for m in rule.methods
                     if (rule.endpoint, m) in declared}
    for path, operations in spec["paths"].items():
        flask_path = path.replace("{", "<").replace("}", ">")
        for method in operations:
            if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                assert any(p.startswith("/api/v1") and _same_path(p, flask_path) and m == method.upper()
                           for p, m in api_paths), f"{method.upper()} {path} is not in the access table"


def _same_path(flask_rule: str, openapi_path: str) -> bool:
    import re

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"<\1>", flask_rule) == "/api/v1" + openapi_path.removeprefix("/api/v1")


def _ids(world, route: Route, role: str, variant: str) -> dict | None:
    """The URL values for one cell; None when the cell does not exist (the role sees every object)."""
    values = {}
    for argument, kind in route.args:
        if kind == "month":
            values[argument] = MONTH
            continue
        if variant == "missing":
            values[argument] = MISSING_ID
            continue
        own, foreign = VIEW[kind][role]
        key = own if variant == "own" else foreign
        if key is None:
            return None
        values[argument] = world.ids[f"{kind}:{key}"]
    return values


# A valid body where a route checks its body before the object (so the cell tests the object, not the body).
BODIES = {("tickets_api.answer", "POST"): {"answer": "Yes, file it."}}


def _request(client, route: Route, values: dict):
    with client.application.test_request_context():
        url = url_for(route.endpoint, **values)
    body = BODIES.get((route.endpoint, route.method), {})
    kwargs = {"json": body} if url.startswith("/api/") else {"data": body}
    if route.method == "GET":
        kwargs = {}
    return client.open(url, method=route.method, **kwargs), url


def _judge(route: Route, role: str | None, variant: str, status: int, location: str,
           missing_status: int | None) -> str | None:
    """Why the cell is wrong, or None when it is right."""
    if status >= 500:
        return "server error"
    if role is None:
        if route.who == "public":
            return None if status < 400 else "refused a public route"
        if route.endpoint.split(".")[0].endswith("_api") or route.endpoint.startswith("me."):
            return None if status == 401 else "anonymous API call not 401"
        return None if status == 302 and "/login" in location else "anonymous page not sent to sign-in"
    if route.who != "public" and role not in route.who:
        return None if status in (403, 404) else "a role the route is not for got through"
    if variant == "missing":
        allowed = (404,) if route.method == "GET" else (404, 400, 422)
        return None if status in allowed else "missing object not 404"
    if variant == "foreign":
        return None if status == missing_status else f"another's object answered {status}, a missing one {missing_status}"
    if route.method == "GET":
        return None if status in (200, 302, 303) else "own object refused"
    return None if status not in (401, 403, 404, 405) else "own object refused"


def test_access_matrix(app, create_user, create_coach, create_client, create_thread, create_message):
    world = build_world(create_user, create_coach, create_client, create_thread, create_message)
    from tests.conftest import AuthActions

    clients = {None: app.test_client()}
    for role, user in world.users.items():
        clients[role] = app.test_client()
        AuthActions(clients[role]).login(user)
    db.session.flush()

    wrong, cells = [], 0
    for route in parse_table():
        kinds = [kind for _, kind in route.args if kind != "month"]
        for role in (None, *ROLES):
            if role is not None and route.endpoint == "auth.logout":
                continue  # signing a role out here would sign it out of the rest of the matrix
            may_use = role is not None and (route.who == "public" or role in route.who)
            variants = ("missing", "foreign", "own") if kinds and may_use else ("own",)
            missing_status = None
            for variant in variants:
                if may_use:
                    values = _ids(world, route, role, variant)
                    if values is None:
                        continue
                else:
                    values = {a: (MONTH if k == "month" else world.ids.get(f"{k}:public", world.ids[f"{k}:A"]))
                              for a, k in route.args}
                response, url = _request(clients[role], route, values)
                cells += 1
                if variant == "missing":
                    missing_status = response.status_code
                reason = _judge(route, role, variant, response.status_code, response.headers.get("Location", ""),
                                missing_status)
                if reason:
                    wrong.append(f"{route.method} {url} as {role or 'anonymous'} ({variant}): "
                                 f"{response.status_code}, {reason}")
    assert cells > 500
    assert wrong == [], f"{len(wrong)} of {cells} cells wrong:\n" + "\n".join(wrong)
