"""Admins list users and set passwords (imported users have none until then)."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from helpdesk.admin import bp
from helpdesk.auth.forms import SetPasswordForm
from helpdesk.auth.models import ROLES, User
from helpdesk.auth.permissions import roles_required
from helpdesk.auth.services import change_password
from helpdesk.extensions import db
from helpdesk.text_match import contains


@bp.route("/users")
@roles_required("admin")
def users():
    role = request.args.get("role")
    q = request.args.get("q", "").strip()
    stmt = select(User).order_by(User.role, User.name)
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if q:
        stmt = stmt.where(contains(User.name, q) | contains(User.external_id, q) | contains(User.email, q))
    page = db.paginate(stmt, per_page=50)
    return render_template("admin/users.html", page=page, roles=ROLES, role=role, q=q, form=SetPasswordForm())


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def set_user_password(user_id):
    user = db.get_or_404(User, user_id)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        flash("A password needs at least 10 characters.", "error")
        return redirect(url_for("admin.users", q=user.external_id))
    revoked = change_password(user, form.password.data)
    db.session.commit()
    flash(f"Password set for {user.name}; their other sessions were signed out"
          + (f" and their {revoked} API token(s) revoked." if revoked else "."), "info")
    return redirect(url_for("admin.users", q=user.external_id))
