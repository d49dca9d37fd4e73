"""The navigation per role: one declared list; an entry shows once its feature's endpoint exists."""

from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for

ALL = ("client", "coach", "team_leader", "auditor", "support", "admin")
LEADERS = ("team_leader", "admin")


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]


NAV = [
    NavItem("My threads", "inbox.client_home", ("client",)),
    NavItem("Rate my coach", "clients.rating", ("client",)),
    NavItem("Monthly survey", "clients.survey", ("client",)),
    NavItem("Privacy", "clients.settings", ("client",)),
    NavItem("Marketplace", "moderation.marketplace", ("client",)),
    NavItem("My listings", "moderation.my_listings", ("client",)),
    NavItem("Inbox", "inbox.index", ("coach", "team_leader")),
    NavItem("Coverage", "inbox.coverage", ("coach", "team_leader")),
    NavItem("Audits", "audits.inbox", ("coach", "team_leader")),
    NavItem("Audit queue", "audits.queue", ("auditor", "admin")),
    NavItem("Calibration", "calibration.index", ("auditor", "team_leader", "admin")),
    NavItem("Moderation", "moderation.queue", ("coach", "admin", "support")),
    NavItem("Moderation accuracy", "moderation.accuracy_page", ("team_leader",)),
    NavItem("Tickets", "tickets.index", ("coach", "team_leader", "support", "admin")),
    NavItem("My standing", "rankings.standing", ("coach",)),
    NavItem("Team", "inbox.team", ("team_leader",)),
    NavItem("Rankings", "rankings.index", LEADERS),
    NavItem("SLA", "sla.index", LEADERS),
    NavItem("Unassigned", "inbox.unassigned", LEADERS),
    NavItem("Saved replies", "inbox.saved_replies", ("coach", "team_leader")),
    NavItem("Vacations", "inbox.vacations", ("coach", "team_leader")),
    NavItem("Users", "admin.users", ("admin",)),
    NavItem("API", "home.api_docs", ALL),
]


def nav_for(role: str, user=None) -> list[tuple[str, str, str]]:
    """(label, url, endpoint) for each entry `role` may use whose page exists (and, given `user`, that the
    page's view does not hide from them: a view may declare `nav_shown_to(user)`, as moderation does)."""
    return [(label, url, endpoint) for label, url, endpoint, shown_to in _role_entries(role)
            if user is None or shown_to is None or shown_to(user)]


def _role_entries(role: str) -> tuple:
    """The role's entries with their URLs, built once per app, role and script root (the prefix the app is
    served under): about ten url_for a page otherwise (issue #15). Only `nav_shown_to` is asked per user."""
    cache = current_app.extensions.setdefault("navigation", {})
    script_root = request.script_root if has_request_context() else None
    key = (role, script_root)
    if key not in cache:
        views = current_app.view_functions
        cache[key] = tuple((i.label, url_for(i.endpoint), i.endpoint, getattr(views[i.endpoint], "nav_shown_to", None))
                           for i in NAV if role in i.roles and i.endpoint in views)
    return cache[key]


def landing_url(role: str) -> str | None:
    """The first page of a role's navigation, where sign-in lands."""
    items = nav_for(role)
    return items[0][1] if items else None
