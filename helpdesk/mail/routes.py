"""Email settings, and the unsubscribe link every email carries."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.auth.permissions import login_required, signed_in_user
from helpdesk.extensions import db
from helpdesk.mail import bp, services
from helpdesk.mail.kinds import MODE_LABELS, MODES, OFF, label


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def settings():
    """Per kind of notification: right away, in a daily digest, or off."""
    if request.method == "POST":
        choices = {kind: request.form.get(kind, "") for kind in (p["kind"] for p in services.preferences(current_user))}
        services.set_modes(signed_in_user(), choices)
        db.session.commit()
        flash("Email settings saved.", "info")
        return redirect(url_for("mail.settings"))
    return render_template("mail/settings.html", preferences=services.preferences(current_user), modes=MODES,
                           mode_labels=MODE_LABELS, address=current_user.email)


def _token_authenticated(view):
    """The link's signature is the credential: a mail client's one-click POST (RFC 8058) carries no CSRF
    token, and a forged request would need the signed link itself."""
    view.token_authenticated = True
    return view


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@_token_authenticated
def unsubscribe(token):
    """GET asks (a link scanner must not unsubscribe anyone); POST turns the kind off."""
    user, kind = services.read_unsubscribe_token(token)
    if request.method == "POST":
        services.set_mode(user, kind, OFF)
        db.session.commit()
        return render_template("mail/unsubscribed.html", label=label(kind), done=True)
    return render_template("mail/unsubscribed.html", label=label(kind), done=False, token=token)
