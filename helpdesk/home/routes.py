from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from helpdesk.extensions import api
from helpdesk.home import bp
from helpdesk.navigation import landing_url


@bp.route("/")
def index():
    """Send each role to its own first page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    target = landing_url(current_user.role)
    if target and target != url_for("home.index"):
        return redirect(target)
    return render_template("home/index.html")


@bp.route("/api/v1/docs")
def api_docs():
    """A readable page of the OpenAPI document, rendered here with no script from elsewhere."""
    spec = api.spec.to_dict()
    return render_template("home/api_docs.html", spec=spec, title=current_app.config["API_TITLE"])


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root, whatever page they are on (pages link favicon.svg)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")
