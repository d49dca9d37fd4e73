"""How Flask-Login finds the user: a server-side login session, or an API bearer token."""

from flask import g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from helpdesk.auth import services
from helpdesk.extensions import csrf, login_manager


def bearer_token(req=None) -> str | None:
    header = (req or request).headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _bearer_api_call(req) -> bool:
    return req.path.startswith("/api/") and bearer_token(req) is not None


class BearerAwareSessionInterface(SecureCookieSessionInterface):
    """An API call with a bearer token is stateless: it neither reads nor writes the browser's session
    cookie. A browser that visited a page has a session (its CSRF token, a flash) without a signed-in
    user; read along with a token, Flask-Login's strong session protection refused the call before it
    ever looked at the token."""

    def open_session(self, app, request):
        if _bearer_api_call(request):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if _bearer_api_call(request):
            return None
        return super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = BearerAwareSessionInterface()
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."

    @login_manager.user_loader
    def load_user(session_id: str):
        return services.load_session_user(session_id)

    @login_manager.request_loader
    def load_from_token(req):
        token = bearer_token()
        if token is None or not req.path.startswith("/api/"):
            return None
        found = services.user_for_token(token)
        if found is None:
            return None
        user, row = found
        g.token_scope = row.scope
        return user

    @app.before_request
    def csrf_unless_bearer():
        # A bearer token is not sent by a browser on its own, so it needs no CSRF token;
        # everything else that changes state does.
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return None
        if request.path.startswith("/api/") and (bearer_token() or not current_user.is_authenticated):
            return None  # signed out: no session a forged request could ride on; the route answers 401
        if getattr(app.view_functions.get(request.endpoint), "token_authenticated", False):
            return None  # a signed link is its own credential (e.g. an email's one-click unsubscribe)
        csrf.protect()
