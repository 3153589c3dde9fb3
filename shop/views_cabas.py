"""The cabas bio pages (`/cabas/`): the offers, this week's composition and the pickup points for everyone; for a
logged-in customer, subscribing and managing their subscriptions, and asking for the solidarity price.

Every action calls the same `baskets` service as the API (no rule is written twice): a refusal comes back with the
service's French message, next to the field it concerns (`forms_cabas.SERVICE_ERROR_FIELDS`). Actions need a login
(`redirect_to_login`, so `settings.LOGIN_URL` with `next`); another customer's subscription is a 404.
Every form posts and redirects (POST/redirect/GET): the pages work without JavaScript.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from baskets import selectors as basket_selectors
from baskets.models import BasketSubscription, SubscriptionStatus
from baskets.services.calendar import week_monday
from baskets.services.solidarity import solidarity_request_submit
from baskets.services.subscriptions import (
    PlaceRequest,
    default_pickup_point_slug,
    next_distribution,
    subscription_cancel,
    subscription_change,
    subscription_create,
    subscription_pause,
    subscription_resume,
    subscription_skip,
    upcoming_distributions,
)
from deliveries.services.places import pickup_point_list_with_days
from ecopole.core.exceptions import ApplicationError
from orders.models import Fulfilment

from .forms_cabas import (
    SERVICE_ERROR_FIELDS,
    ChangeForm,
    PauseForm,
    SkipForm,
    SolidarityRequestForm,
    SubscribeForm,
    date_label,
)
from .views import html_not_found

UPCOMING_ON_INDEX = 3
UPCOMING_ON_DETAIL = 6


def customer_required(view):
    """A visitor who is not logged in goes to the login page, and comes back here after (a POST comes back to the
    page of its form)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path() if request.method == "GET" else reverse("shop:cabas"))
        return view(request, *args, **kwargs)

    return wrapper


def _describe(form) -> None:
    """Tie each field to its help text and its errors (aria-describedby, aria-invalid), as the templates name them."""
    for name, field in form.fields.items():
        bound = form[name]
        ids = []
        if field.help_text:
            ids.append(f"{bound.auto_id}-aide")
        if name in form.errors:
            ids.append(f"{bound.auto_id}-erreur")
            field.widget.attrs["aria-invalid"] = "true"
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)


def _service_error(form, error: ApplicationError) -> None:
    field = SERVICE_ERROR_FIELDS.get(error.code)
    form.add_error(field if field in form.fields else None, str(error.detail))


def _money(value) -> str:
    return formats.number_format(value, 2)


def _offer_choices(offers) -> list[tuple[int, str]]:
    return [
        (
            offer.pk,
            _("%(name)s – %(price)s € a basket (solidarity price %(solidarity)s €), %(weekday)s")
            % {
                "name": offer.name,
                "price": _money(offer.price),
                "solidarity": _money(offer.solidarity_price),
                "weekday": offer.get_distribution_weekday_display().lower(),
            },
        )
        for offer in offers
    ]


def _own_subscription(request: HttpRequest, pk: int) -> BasketSubscription:
    """The customer's own subscription (with what its page shows), else 404: even a manager's shop pages show only
    their own."""
    subscription = basket_selectors.subscription_list(user=request.user).filter(customer=request.user, pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def _with_upcoming(subscriptions: list[BasketSubscription], *, count: int) -> None:
    """Attach to each subscription its next distributions, each with its week's published composition (one lookup
    for all of them) and whether it can still be skipped (its cutoff is ahead: the service decides in the end)."""
    for subscription in subscriptions:
        subscription.upcoming = upcoming_distributions(subscription=subscription, count=count)
    weeks = {week_monday(item["date"]) for s in subscriptions for item in s.upcoming}
    compositions = (
        {(c.offer_id, c.week_start): c for c in basket_selectors.compositions_published(week_starts=weeks)}
        if weeks
        else {}
    )
    now = timezone.now()
    for subscription in subscriptions:
        for item in subscription.upcoming:
            item["composition"] = compositions.get((subscription.offer_id, week_monday(item["date"])))
            item["skippable"] = item["state"] == "basket" and item["cutoff_at"] > now
            item["label"] = date_label(item["date"])


# --- The public page, with the customer's part -------------------------------------------------------------------


def _subscribe_form(offers, points, data=None) -> SubscribeForm:
    default_point = next((p.pk for p in points if p.slug == default_pickup_point_slug()), None)
    form = SubscribeForm(
        data,
        offers=offers,
        points=points,
        weekdays={offer.distribution_weekday for offer in offers},
        initial={"offer": offers[0].pk if offers else None, "pickup_point": default_point},
    )
    form.fields["offer"].choices = _offer_choices(offers)
    return form


def _cabas_page(request: HttpRequest, *, form: SubscribeForm | None = None, status: int = 200) -> HttpResponse:
    offers = list(basket_selectors.offer_list())
    points = list(pickup_point_list_with_days())
    week_start = week_monday(timezone.localdate())
    compositions = {c.offer_id: c for c in basket_selectors.compositions_published(week_starts=[week_start])}
    for offer in offers:
        offer.this_week = compositions.get(offer.pk)
    context = {"offers": offers, "points": points, "week_start": week_start}
    if not request.user.is_authenticated:
        context["login_url"] = redirect_to_login(reverse("shop:cabas")).url
    if request.user.is_authenticated:
        subscriptions = list(
            basket_selectors.subscription_list(user=request.user).filter(
                customer=request.user, status=SubscriptionStatus.ACTIVE
            )
        )
        _with_upcoming(subscriptions, count=UPCOMING_ON_INDEX)
        form = form or _subscribe_form(offers, points)
        _describe(form)
        context.update(
            subscriptions=subscriptions,
            form=form,
            solidarity=basket_selectors.solidarity_status(customer=request.user),
        )
    return render(request, "shop/cabas/index.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def cabas(request: HttpRequest) -> HttpResponse:
    return _cabas_page(request)


@require_POST
@customer_required
def cabas_subscribe(request: HttpRequest) -> HttpResponse:
    offers = list(basket_selectors.offer_list())
    points = list(pickup_point_list_with_days())
    form = _subscribe_form(offers, points, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["fulfilment"] == Fulfilment.HOME:
            place = PlaceRequest(
                fulfilment=Fulfilment.HOME,
                address=data["address"].strip(),
                postcode=data["postcode"].strip(),
                commune=data["commune"].strip(),
            )
        else:
            place = PlaceRequest(fulfilment=Fulfilment.PICKUP, pickup_point_id=data["pickup_point"])
        try:
            subscription = subscription_create(
                customer=request.user,
                offer_id=data["offer"],
                frequency=data["frequency"],
                place=place,
                start_date=data["start_date"],
            )
        except ApplicationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("You are subscribed: your first basket is on %(date)s.")
                % {"date": date_label(subscription.start_date)},
            )
            return redirect("shop:cabas-subscription", pk=subscription.pk)
    return _cabas_page(request, form=form, status=400)


# --- One subscription --------------------------------------------------------------------------------------------


def _subscription_page(
    request: HttpRequest,
    subscription: BasketSubscription,
    *,
    pause_form: PauseForm | None = None,
    change_form: ChangeForm | None = None,
    action_error: str = "",
    skip_error_date=None,
    status: int = 200,
) -> HttpResponse:
    _with_upcoming([subscription], count=UPCOMING_ON_DETAIL)
    active = subscription.status == SubscriptionStatus.ACTIVE
    context = {"subscription": subscription, "active": active, "action_error": action_error}
    context["skip_error_date"] = skip_error_date
    if active:
        pause_form = pause_form or PauseForm(prefix="pause")
        change_form = change_form or _change_form(subscription)
        _describe(pause_form)
        _describe(change_form)
        context.update(
            pause_form=pause_form,
            change_form=change_form,
            pauses=subscription.upcoming_pauses,
            next_date=next_distribution(subscription=subscription),
        )
    return render(request, "shop/cabas/subscription.html", context, status=status)


def _change_form(subscription: BasketSubscription, data=None) -> ChangeForm:
    home = subscription.fulfilment == Fulfilment.HOME
    form = ChangeForm(
        data,
        prefix="change",
        offers=list(basket_selectors.offer_list()),
        points=list(pickup_point_list_with_days()),
        home=home,
        initial={
            "offer": subscription.offer_id,
            "frequency": subscription.frequency,
            "pickup_point": subscription.pickup_point_id,
        },
    )
    return form


@require_http_methods(["GET", "HEAD"])
@customer_required
@html_not_found
def cabas_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    return _subscription_page(request, _own_subscription(request, pk))


@require_POST
@customer_required
@html_not_found
def cabas_skip(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_subscription(request, pk)
    form = SkipForm(request.POST)
    if not form.is_valid():
        return _subscription_page(request, subscription, action_error=_("Choose a date to skip."), status=400)
    day = form.cleaned_data["date"]
    try:
        subscription_skip(subscription_id=subscription.pk, on=day, actor=request.user)
    except ApplicationError as error:
        return _subscription_page(
            request, _own_subscription(request, pk), action_error=str(error.detail), skip_error_date=day, status=400
        )
    messages.success(request, _("Noted: no basket on %(date)s.") % {"date": date_label(day)})
    return redirect("shop:cabas-subscription", pk=pk)


@require_POST
@customer_required
@html_not_found
def cabas_pause(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_subscription(request, pk)
    form = PauseForm(request.POST, prefix="pause")
    if form.is_valid():
        start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
        try:
            subscription_pause(subscription_id=subscription.pk, start_date=start, end_date=end, actor=request.user)
        except ApplicationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("Your subscription is paused from %(start)s to %(end)s.")
                % {"start": date_label(start), "end": date_label(end)},
            )
            return redirect("shop:cabas-subscription", pk=pk)
    return _subscription_page(request, _own_subscription(request, pk), pause_form=form, status=400)


@require_POST
@customer_required
@html_not_found
def cabas_resume(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_subscription(request, pk)
    try:
        subscription_resume(subscription_id=subscription.pk, actor=request.user)
    except ApplicationError as error:
        return _subscription_page(request, subscription, action_error=str(error.detail), status=400)
    messages.success(request, _("Your baskets start again."))
    return redirect("shop:cabas-subscription", pk=pk)


@require_POST
@customer_required
@html_not_found
def cabas_change(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own_subscription(request, pk)
    form = _change_form(subscription, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        point = data.get("pickup_point")
        place = None
        if point is not None and point != subscription.pickup_point_id:
            place = PlaceRequest(fulfilment=Fulfilment.PICKUP, pickup_point_id=point)
        try:
            subscription_change(
                subscription_id=subscription.pk,
                actor=request.user,
                offer_id=data["offer"] if data["offer"] != subscription.offer_id else None,
                frequency=data["frequency"] if data["frequency"] != subscription.frequency else None,
                place=place,
            )
        except ApplicationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Your subscription is changed from the next basket."))
            return redirect("shop:cabas-subscription", pk=pk)
    return _subscription_page(request, _own_subscription(request, pk), change_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@customer_required
@html_not_found
def cabas_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first (GET), then the cancellation (POST)."""
    subscription = _own_subscription(request, pk)
    if subscription.status != SubscriptionStatus.ACTIVE:
        return redirect("shop:cabas-subscription", pk=pk)
    error = ""
    if request.method == "POST":
        try:
            subscription_cancel(subscription_id=subscription.pk, actor=request.user)
        except ApplicationError as exc:
            error = str(exc.detail)
        else:
            messages.success(
                request, _("Your subscription to the %(offer)s is cancelled.") % {"offer": subscription.offer}
            )
            return redirect("shop:cabas")
    context = {"subscription": subscription, "error": error, "next_date": next_distribution(subscription=subscription)}
    return render(request, "shop/cabas/cancel.html", context, status=400 if error else 200)


# --- The solidarity price ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@customer_required
def cabas_solidarity(request: HttpRequest) -> HttpResponse:
    form = SolidarityRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _request, created = solidarity_request_submit(
                    customer=request.user,
                    message=form.cleaned_data["message"],
                    situation=form.cleaned_data["situation"],
                )
            except ApplicationError as error:
                _service_error(form, error)
            else:
                if created:
                    messages.success(request, _("Your request is sent. We answer by email."))
                else:
                    messages.success(request, _("Your request is already being examined. We answer by email."))
                return redirect("shop:cabas-solidarity")
        status = 400
    _describe(form)
    context = {"form": form, "solidarity": basket_selectors.solidarity_status(customer=request.user)}
    return render(request, "shop/cabas/solidarity.html", context, status=status)
