"""The customer's saved addresses in the shop (`/compte/adresses/`): list, add, change, delete, and the htmx
suggestions as the customer types. The views call the deliveries' selectors and services (the same as the API's
`/api/v1/auth/me/addresses/`): the address is geocoded and checked against the zones there, never here.

Without JavaScript the form posts and the server geocodes: an address it cannot find or that is ambiguous comes
back with the message next to the street and the addresses it may mean, as buttons that post the form again with
that choice. With htmx, the street field asks for suggestions as it changes, and a suggestion fills the fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliveries import selectors as delivery_selectors
from deliveries.errors import (
    AddressAmbiguous,
    AddressLimitReached,
    AddressNotFound,
    CoordinatesOutsideZone,
    GeocoderUnavailable,
    OutsideDeliveryZone,
)
from deliveries.geocoding import address_suggest
from deliveries.services.addresses import saved_address_create, saved_address_delete, saved_address_update
from ecopole.core.exceptions import NotFound

from .forms_addresses import AddressFieldsForm, SavedAddressForm
from .views import html_not_found

SUGGESTIONS = 5
PICK_SEPARATOR = "|"


def _owned_or_404(request: HttpRequest, address_id: int):
    try:
        return delivery_selectors.saved_address_get(customer=request.user, address_id=address_id)
    except NotFound as error:
        raise Http404 from error


def address_choices_for(form: AddressFieldsForm) -> list:
    """The addresses a refused typing may mean, for the no-JavaScript choice (empty when the geocoder is down)."""
    typed = [str(form.data.get(name, "")).strip() for name in ("street", "postcode", "commune")]
    try:
        # What was typed, else the street alone (the commune may be the mistake).
        return address_suggest(text=" ".join(typed), limit=SUGGESTIONS) or address_suggest(
            text=typed[0], limit=SUGGESTIONS
        )
    except GeocoderUnavailable:
        return []


def address_pick_apply(data):
    """A suggestion chosen without JavaScript: `pick` is "street|postcode|commune", it replaces the typed fields."""
    pick = data.get("pick", "")
    if pick.count(PICK_SEPARATOR) != 2:
        return data
    data = data.copy()
    data["street"], data["postcode"], data["commune"] = pick.split(PICK_SEPARATOR)
    return data


@login_required
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = list(delivery_selectors.saved_address_list(customer=request.user))
    return render(request, "shop/addresses/list.html", {"addresses": addresses})


def _address_form_page(request: HttpRequest, *, address=None) -> HttpResponse:
    if request.method == "POST":
        form = SavedAddressForm(address_pick_apply(request.POST))
    else:
        initial = {}
        if address is not None:
            initial = {f: getattr(address, f) for f in ("label", "street", "postcode", "commune", "is_default")}
        form = SavedAddressForm(initial=initial)
    choices = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("label", "street", "postcode", "commune", "is_default")}
        try:
            if address is None:
                saved_address_create(customer=request.user, **fields)
                messages.success(request, _("The address “{label}” is saved.").format(label=fields["label"]))
            else:
                saved_address_update(customer=request.user, address_id=address.pk, **fields)
                messages.success(request, _("The address “{label}” is changed.").format(label=fields["label"]))
            return redirect("account:addresses")
        except NotFound as error:
            raise Http404 from error
        except (AddressNotFound, AddressAmbiguous) as error:
            form.add_address_error(error)
            choices = address_choices_for(form)
        except (OutsideDeliveryZone, CoordinatesOutsideZone) as error:
            form.add_address_error(error)
        except (GeocoderUnavailable, AddressLimitReached) as error:
            form.add_error(None, str(error.detail))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "address_form": form, "address": address, "address_choices": choices}
    return render(request, "shop/addresses/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request: HttpRequest) -> HttpResponse:
    return _address_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
@html_not_found
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    return _address_form_page(request, address=_owned_or_404(request, address_id))


@login_required
@require_POST
@html_not_found
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _owned_or_404(request, address_id)
    try:
        saved_address_delete(customer=request.user, address_id=address.pk)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("The address “{label}” is deleted.").format(label=address.label))
    return redirect("account:addresses")


@require_GET
def address_suggestions(request: HttpRequest) -> HttpResponse:
    """The htmx fragment of suggestions for what is typed in the street, postcode and commune fields."""
    text = " ".join(request.GET.get(name, "").strip() for name in ("street", "postcode", "commune"))[:200]
    unavailable = False
    try:
        suggestions = address_suggest(text=text, limit=SUGGESTIONS)
    except GeocoderUnavailable:
        suggestions, unavailable = [], True
    context = {"suggestions": suggestions, "unavailable": unavailable, "typed": len(text.strip()) >= 3}
    return render(request, "shop/_address_suggestions.html", context)


@require_GET
def address_fields(request: HttpRequest) -> HttpResponse:
    """The address fields filled with a chosen suggestion (htmx swaps them in place of the typed ones)."""
    values = {name: request.GET.get(name, "")[:255] for name in ("street", "postcode", "commune")}
    form = AddressFieldsForm(initial=values)
    response = render(request, "shop/_address_fields.html", {"address_form": form, "address_picked": True})
    # The page hears it once the fields are in place (the checkout updates its summary for the commune picked).
    response["HX-Trigger-After-Settle"] = "address-picked"
    return response
