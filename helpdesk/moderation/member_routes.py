"""Members' listing pages (new, edit, withdraw) and the photos, served only to those who may see them."""

from flask import abort, flash, redirect, render_template, request, url_for

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.extensions import db
from helpdesk.moderation import bp, images, listings
from helpdesk.moderation.forms import ListingForm
from helpdesk.moderation.models import Listing, ListingImage
from helpdesk.moderation.services import ModerationError


def uploaded_images() -> list[bytes]:
    """The request's photos (`images`, several allowed), each read with the 5 MB limit."""
    return [images.read_upload(f) for f in request.files.getlist("images") if f and f.filename]


def _own_listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.seller_id != signed_in_user().id:
        abort(404)
    return listing


def _form_page(form: ListingForm, listing: Listing | None, status: int = 200):
    return render_template("moderation/listing_form.html", form=form, listing=listing,
                           max_images=images.MAX_IMAGES), status


@bp.route("/listings/new", methods=["GET", "POST"])
@roles_required(Role.CLIENT.value)
def new_listing():
    """List something: title, description, price, category and up to 4 photos; it waits for a moderator."""
    form = ListingForm()
    if request.method == "GET":
        return _form_page(form, None)
    if not form.validate_on_submit():
        flash("; ".join(m for msgs in form.errors.values() for m in msgs), "error")
        return _form_page(form, None, 422)
    try:
        listing = listings.create_listing(signed_in_user(), form.title.data, form.description.data,
                                          form.price.data, form.category.data, uploaded_images())
    except ModerationError as exc:  # re-render with what was typed
        flash(f"{exc.field.capitalize()}: {exc}" if exc.field else str(exc), "error")
        return _form_page(form, None, exc.status)
    db.session.commit()
    flash("Listed. A moderator reviews it, usually within 24 hours.", "info")
    return redirect(url_for("moderation.listing", listing_id=listing.id))


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@roles_required(Role.CLIENT.value)
def edit_listing(listing_id):
    """Edit one's listing while it is pending."""
    listing = _own_listing_or_404(listing_id)
    form = ListingForm(obj=listing) if request.method == "GET" else ListingForm()
    if request.method == "GET":
        form.price.data = f"{listing.price:.2f}" if listing.price is not None else ""
        return _form_page(form, listing)
    if not form.validate_on_submit():
        flash("; ".join(m for msgs in form.errors.values() for m in msgs), "error")
        return _form_page(form, listing, 422)
    remove = [int(x) for x in request.form.getlist("remove_images") if x.isdigit()]
    try:
        listings.edit_listing(signed_in_user(), listing, form.title.data, form.description.data, form.price.data,
                              form.category.data, uploaded_images(), remove)
    except ModerationError as exc:
        flash(f"{exc.field.capitalize()}: {exc}" if exc.field else str(exc), "error")
        return _form_page(form, listing, exc.status)
    db.session.commit()
    flash("Saved.", "info")
    return redirect(url_for("moderation.listing", listing_id=listing.id))


@bp.route("/listings/<int:listing_id>/withdraw", methods=["POST"])
@roles_required(Role.CLIENT.value)
def withdraw_listing(listing_id):
    listing = _own_listing_or_404(listing_id)
    listings.withdraw_listing(signed_in_user(), listing)
    db.session.commit()
    flash("Withdrawn; it is no longer on the marketplace or in the queue.", "info")
    return redirect(url_for("moderation.my_listings"))


def _image_or_404(image_id: int) -> ListingImage:
    from flask_login import current_user

    image = db.session.get(ListingImage, image_id)
    if not listings.image_visible_to(current_user, image):
        abort(404)
    return image


@bp.route("/listing-images/<int:image_id>")
def listing_image(image_id):
    """A photo: anyone for a live listing, otherwise the seller and moderators."""
    image = _image_or_404(image_id)
    return images.serve(image.data, image.content_type)


@bp.route("/listing-images/<int:image_id>/thumbnail")
def listing_thumbnail(image_id):
    """The photo's thumbnail (WebP), under the same rule as the photo."""
    image = _image_or_404(image_id)
    return images.serve(image.thumbnail, "image/webp")


