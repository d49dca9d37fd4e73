"""Sign-in and sign-out pages."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from helpdesk.auth import bp, services
from helpdesk.auth.forms import LoginForm
from helpdesk.auth.permissions import signed_in_user
from helpdesk.extensions import db, limiter
from helpdesk.redirects import safe_next


def _login_account() -> str:
    """The account a sign-in attempt names, as typed (case-folded): the key of the per-account limit."""
    return "login-account:" + (request.form.get("login") or "").strip().lower()[:254]


# Two limits: per address (one machine trying many accounts) and per account (many machines trying one).
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_login_account)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            flash("That email or password is not right.", "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # a new session at sign-in: nothing from before carries over
        services.start_session(user)
        db.session.commit()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_session(signed_in_user())
        db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
