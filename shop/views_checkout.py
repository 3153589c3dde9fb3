"""Checkout of the web shop: choose pickup point or home delivery and a day, see the minimum order, the fee and the
free-delivery threshold for this cart, and place the order through the grocery's own `order_place`, the service
the API calls (no rule is written twice: refusals are its errors, shown next to the field or line they concern).

Idempotency: the checkout form carries a key made when the page is rendered (a UUID, kept in the session until an
order is placed with it) and passes it to `order_place` as the API passes its `Idempotency-Key`. A double click
gives the service the same key and the same request: one order. A reload of the POST after success finds the key's
order first (`order_id_for_idempotency_key`) and shows it, since the cart it was placed from is gone.

Without JavaScript the form's "Mettre à jour" button re-renders the page for the place chosen; with htmx a change
of place or address re-renders only the dates and the summary.

Home delivery: one of the customer's saved addresses (the default one preselected; their coordinates were found
when they were saved), or "another address" typed in the shop's address partial (`shop/_address_fields.html`:
suggestions as the customer types, from the saved addresses' views), which `order_place` geocodes. Its refusals
(`address_not_found`, `address_ambiguous`) come back next to the street with, for the customer without
JavaScript, the addresses it may mean as radio buttons (`pick`), as on the saved addresses' form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalogue.errors import InsufficientStock
from deliveries.errors import AddressAmbiguous, AddressNotFound
from deliveries.selectors import delivery_windows_offered, saved_address_list
from deliveries.services.places import zone_for_commune
from ecopole.core.exceptions import ApplicationError, NotFound
from orders.errors import BelowMinimumOrder, OutsideDeliveryZone
from orders.models import Fulfilment
from orders.selectors import delivery_places_open, order_get, order_id_for_idempotency_key
from orders.services.grocery import HomeAddress, LineRequest, order_place
from orders.services.home_delivery import home_delivery_fee

from . import cart as shop_cart
from .forms_addresses import AddressFieldsForm
from .views import html_not_found
from .views_addresses import address_choices_for, address_pick_apply

KEY_SESSION = "shop_checkout_key"
PLACE_HOME = "home"
POINT_PREFIX = "point-"
SAVED_NEW = "new"
ADDRESS_FIELDS = ("street", "postcode", "commune")

# Which field of the form a refusal of the grocery concerns; a line's refusals name their product in `extra`.
LINE_ERRORS = {"insufficient_stock", "invalid_quantity", "product_unavailable", "unpaid_quantity_exceeded"}
# (The ids of the fields: the error summary links to them.)
FIELD_OF_ERROR = {
    "pickup_point_unavailable": "place",
    "outside_delivery_zone": "address-commune",
    "coordinates_outside_zone": "address-street",
    "address_not_found": "address-street",
    "address_ambiguous": "address-street",
    "delivery_date_unavailable": "date",
    "cutoff_passed": "date",
    "closed_day": "date",
    "delivery_window_full": "window",
    "delivery_window_invalid": "window",
}
# A saved address's refusals concern the choice of the address, not fields the customer did not type.
FIELD_OF_SAVED_ERROR = {"outside_delivery_zone": "saved-address", "coordinates_outside_zone": "saved-address"}


@dataclass
class Choice:
    """What the customer chose in the form (raw text, as typed). `saved` is a saved address's id or "new"."""

    place: str = ""
    date: str = ""
    saved: str = ""
    window: str = ""  # a delivery window's id (home delivery), or "" for no preference
    street: str = ""
    postcode: str = ""
    commune: str = ""

    @classmethod
    def from_data(cls, data) -> Choice:
        data = address_pick_apply(data)  # an address chosen among the server's "did you mean", without JavaScript
        return cls(**{name: str(data.get(name, "")).strip()[:255] for name in cls.__dataclass_fields__})

    @property
    def home(self) -> bool:
        return self.place == PLACE_HOME

    @property
    def point_id(self) -> int | None:
        rest = self.place.removeprefix(POINT_PREFIX)
        return int(rest) if self.place.startswith(POINT_PREFIX) and rest.isdigit() else None

    @property
    def typed(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}


@dataclass
class Errors:
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[int, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.lines or self.general)


def _checkout_key(request: HttpRequest) -> str:
    """The key of the order this checkout will place: the session's, until an order is placed with it."""
    key = request.session.get(KEY_SESSION)
    if not isinstance(key, str) or not _is_uuid(key):
        key = str(uuid.uuid4())
        request.session[KEY_SESSION] = key
    return key


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _saved_choice(choice: Choice, saved_addresses: list) -> tuple[object | None, bool]:
    """The saved address chosen (None for "another address") and whether the choice is valid. Nothing chosen: the
    default address (the selector lists it first), else another address; an id that is not one of the customer's
    is refused rather than replaced by another address."""
    by_id = {str(address.pk): address for address in saved_addresses}
    if not choice.saved:
        choice.saved = str(saved_addresses[0].pk) if saved_addresses else SAVED_NEW
    if choice.saved == SAVED_NEW:
        return None, True
    return by_id.get(choice.saved), choice.saved in by_id


def _summary(*, choice: Choice, lines: list[shop_cart.CartLine], commune: str) -> dict:
    """The places, the chosen one with its open dates, and the amounts: subtotal, fee, minimum, threshold, the jars'
    deposits, total.

    The fee and the minimum are the grocery's home-delivery rule (`home_delivery_fee`), for the zone that serves
    the commune typed or saved (`zone_for_commune`, as `order_place` finds it)."""
    places = delivery_places_open()
    points = [p for p in places if p["type"] == Fulfilment.PICKUP]
    zones = [p for p in places if p["type"] == Fulfilment.HOME]
    for point in points:
        point["value"] = f"{POINT_PREFIX}{point['pickup_point'].pk}"
    if not choice.home and choice.point_id not in {p["pickup_point"].pk for p in points}:
        choice.place = f"{POINT_PREFIX}{points[0]['pickup_point'].pk}" if points else (PLACE_HOME if zones else "")
    subtotal = sum((line.estimated_total for line in lines), start=Decimal("0.00"))
    # Outside the subtotal, as in `order_totals`: the minimum and the free delivery count the goods only.
    deposit = shop_cart.cart_deposit(lines)
    chosen, zone, fee, below_minimum, outside = None, None, Decimal("0.00"), "", ""
    if choice.home:
        zone = zone_for_commune(commune=commune) if commune else None
        if zone is not None:
            chosen = next((p for p in zones if p["zone"].pk == zone.pk), None)
            try:
                fee = home_delivery_fee(zone=zone, subtotal=subtotal)
            except BelowMinimumOrder as error:
                below_minimum = error.detail
                fee = zone.delivery_fee_for(subtotal)
        elif commune:
            outside = OutsideDeliveryZone(commune=commune).detail
    else:
        chosen = next((p for p in points if p["value"] == choice.place), None)
    dates = chosen["dates"] if chosen else []
    if choice.date not in {d.date.isoformat() for d in dates}:
        choice.date = dates[0].date.isoformat() if dates else ""
    # The two-hour windows of the zone on that day that still have a place (a full one is not offered)
    windows = delivery_windows_offered(zone_id=zone.pk, day=date.fromisoformat(choice.date)) if zone and dates else []
    if choice.window not in {str(w.pk) for w in windows}:
        choice.window = ""
    return {
        "points": points,
        "zones": zones,
        "communes": sorted({c for z in zones for c in z["zone"].communes or []}),
        "chosen": chosen,
        "zone": zone,
        "dates": dates,
        "windows": windows,
        "subtotal": subtotal,
        "fee": fee,
        "deposit": deposit,
        "total": subtotal + fee + (deposit.amount if deposit else Decimal("0.00")),
        "below_minimum": below_minimum,
        "outside": outside,
    }


def _render(
    request,
    *,
    lines,
    choice: Choice,
    saved_addresses: list,
    errors: Errors | None = None,
    address_form: AddressFieldsForm | None = None,
    address_choices: list | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or Errors()
    saved, _valid = _saved_choice(choice, saved_addresses)
    context = {
        "lines": [{"line": line, "error": errors.lines.get(line.product.pk, "")} for line in lines],
        "choice": choice,
        "errors": errors,
        "key": _checkout_key(request),
        "saved_addresses": saved_addresses,
        "saved_address_error": errors.fields.get("saved-address", ""),
        # Unbound unless the order was being placed: "Mettre à jour" and htmx say nothing about empty fields.
        "address_form": address_form or AddressFieldsForm(initial=choice.typed),
        "address_choices": address_choices or [],
        **_summary(choice=choice, lines=lines, commune=saved.commune if saved else choice.commune),
    }
    template = "shop/checkout/checkout.html"
    if getattr(request, "htmx", False) and request.htmx.target == "details-commande":
        template = "shop/checkout/_details.html"
    return render(request, template, context, status=status)


def _form_errors(choice: Choice, *, saved_valid: bool, address_form: AddressFieldsForm | None) -> Errors:
    """What the form itself requires before the grocery is asked: a place, a day, and for home an address (one of
    the customer's saved addresses, or street and commune typed: the address form's own checks)."""
    errors = Errors()
    if not choice.home and choice.point_id is None:
        errors.fields["place"] = _("Choose a pickup point or home delivery.")
    if choice.home and not saved_valid:
        errors.fields["saved-address"] = _("Choose one of your addresses, or another address.")
    if choice.home and address_form is not None and not address_form.is_valid():
        for name, messages_ in address_form.errors.items():
            errors.fields[f"address-{name}"] = " ".join(messages_)
    try:
        date.fromisoformat(choice.date)
    except ValueError:
        errors.fields["date"] = _("Choose a day among those offered.")
    return errors


def _refusal(error: ApplicationError, *, saved: bool) -> Errors:
    """The grocery's refusal, tied to the line or the field it concerns (its own French message)."""
    errors = Errors()
    product = error.extra.get("product")
    fields = {**FIELD_OF_ERROR, **FIELD_OF_SAVED_ERROR} if saved else FIELD_OF_ERROR
    if error.code in LINE_ERRORS and isinstance(product, int):
        shortages = error.extra.get("shortages") if isinstance(error, InsufficientStock) else None
        for shortage in shortages or [None]:
            if shortage is None:
                errors.lines[product] = error.detail
            else:
                errors.lines[shortage["product"]] = InsufficientStock(**shortage).detail
    elif error.code in fields:
        errors.fields[fields[error.code]] = error.detail
    else:
        errors.general.append(error.detail)
    return errors


def _home_address(choice: Choice, saved) -> HomeAddress:
    """A saved address keeps the coordinates found when it was saved; a typed one has none: `order_place` geocodes
    it (the customer types an address, never a latitude)."""
    if saved is not None:
        return HomeAddress(
            address=saved.street,
            postcode=saved.postcode,
            commune=saved.commune,
            latitude=saved.latitude,
            longitude=saved.longitude,
        )
    return HomeAddress(address=choice.street, postcode=choice.postcode, commune=choice.commune)


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("shop:checkout"))
    key = request.POST.get("idempotency_key", "")
    placing = request.method == "POST" and "confirm" in request.POST
    if placing and _is_uuid(key):
        # A reload or a second click after the order was placed: the same order, not a second one.
        placed = order_id_for_idempotency_key(customer=request.user, key=key)
        if placed is not None:
            return redirect("shop:checkout-thanks", order_id=placed)
    lines = shop_cart.cart_lines(request.session, user=request.user)
    if not lines:
        messages.info(request, _("Your cart is empty: add products before ordering."))
        return redirect("shop:cart")
    choice = Choice.from_data(request.POST if request.method == "POST" else request.GET)
    saved_addresses = list(saved_address_list(customer=request.user))
    page = {"lines": lines, "choice": choice, "saved_addresses": saved_addresses}
    if not placing:
        return _render(request, **page)

    saved, saved_valid = _saved_choice(choice, saved_addresses)
    typing = choice.home and saved_valid and saved is None
    address_form = AddressFieldsForm(choice.typed) if typing else None
    page["address_form"] = address_form
    errors = _form_errors(choice, saved_valid=saved_valid, address_form=address_form)
    if not _is_uuid(key):
        errors.general.append(_("This form has expired: check your choices and confirm the order again."))
    if errors:
        return _render(request, **page, errors=errors, status=400)
    try:
        placement = order_place(
            customer=request.user,
            lines=[LineRequest(line.product.pk, line.quantity) for line in lines],
            fulfilment=Fulfilment.HOME if choice.home else Fulfilment.PICKUP,
            delivery_date=date.fromisoformat(choice.date),
            pickup_point_id=choice.point_id,
            address=_home_address(choice, saved) if choice.home else None,
            idempotency_key=key,
            delivery_window_id=int(choice.window) if choice.home and choice.window.isdigit() else None,
        )
    except ApplicationError as error:
        # The cart is kept: the customer changes a line or the place and confirms again (with the same key: the
        # refused request wrote nothing, its key included).
        errors = _refusal(error, saved=saved is not None)
        if address_form is not None:
            for field_id, message in errors.fields.items():
                if field_id.startswith("address-"):
                    address_form.add_error(field_id.removeprefix("address-"), message)
            if isinstance(error, AddressNotFound | AddressAmbiguous):
                page["address_choices"] = address_choices_for(address_form)
        return _render(request, **page, errors=errors, status=error.status_code)
    shop_cart.cart_clear(request.session)
    request.session.pop(KEY_SESSION, None)
    return redirect("shop:checkout-thanks", order_id=placement.order.pk)


@require_GET
@html_not_found
def checkout_thanks(request: HttpRequest, order_id: int) -> HttpResponse:
    """The confirmation of an order: its customer's only: anyone else, staff included, gets the shop's 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        order = order_get(user=request.user, order_id=order_id)
    except NotFound as error:
        raise Http404 from error
    if order.customer_id != request.user.pk:
        raise Http404
    return render(request, "shop/checkout/thanks.html", {"order": order})
