"""The driver's round on a phone, under /livreur/: today's and the coming rounds, each stop with its address, a
navigation link, the customer's phone, the window and what to hand over; "Livré" with a proof of delivery (who
received it, a photo or a signature drawn on the screen), "Échec" with a reason.

Only members of the `driver` group, and only their own rounds from today on (`deliveries.selectors.my_round_list`):
another driver's round or stop is a 404, a customer or a preparer gets 403, an anonymous visitor the login page.
The pages call the services the API calls (`round_start`, `stop_deliver`, `stop_fail`, `round_finish`): every rule
is theirs. Every action is a form post answered by a redirect (POST/redirect/GET): a reload shows the truth, and a
tap repeated because the network dropped records nothing twice (the services are no-ops for the state the stop
already has, under the stop's lock).
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deliveries import selectors
from deliveries.models import FailureReason, RoundStatus, StopKind, StopStatus
from deliveries.proofs import CONTENT_TYPES, RECEIVED_BY_MAX, proof_prepare
from deliveries.services.rounds import round_finish, round_start, stop_deliver, stop_fail
from ecopole.core.exceptions import ApplicationError, NotFound
from ecopole.core.permissions import DRIVER, has_group

NOTE_MAX = 255


def driver_page(view):
    """Drivers only (anonymous: the login page; anybody else: 403); a missing or foreign round or stop: the 404 page."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not has_group(request.user, DRIVER):
            return render(request, "staff/driver/forbidden.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except (Http404, NotFound):
            return render(request, "shop/not_found.html", status=404)

    return wrapper


def _my_round(request: HttpRequest, round_id: int):
    """One of the driver's own rounds of today or later, with its stops; anybody else's is a 404."""
    round_ = selectors.my_round_list(user=request.user).filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    return round_


def _my_stop(request: HttpRequest, round_id: int, stop_id: int):
    round_ = _my_round(request, round_id)
    stop = next((s for s in round_.stops.all() if s.pk == stop_id), None)
    if stop is None:
        raise Http404
    return round_, stop


def _progress(round_) -> dict:
    stops = list(round_.stops.all())
    done = sum(1 for s in stops if s.status != StopStatus.PENDING)
    return {"total": len(stops), "done": done, "pending": len(stops) - done}


@require_GET
@driver_page
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.my_round_list(user=request.user))
    today = timezone.localdate()
    return render(
        request,
        "staff/driver/round_list.html",
        {"rounds": [(r, _progress(r)) for r in rounds], "today": today},
    )


@require_GET
@driver_page
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _my_round(request, round_id)
    progress = _progress(round_)
    return render(
        request,
        "staff/driver/round_detail.html",
        {
            "round": round_,
            "stops": list(round_.stops.all()),
            "progress": progress,
            "can_start": round_.status == RoundStatus.PLANNED and round_.date <= timezone.localdate(),
            "can_finish": round_.status == RoundStatus.STARTED and progress["pending"] == 0,
        },
    )


def _round_action(request: HttpRequest, round_id: int, service, done_message: str) -> HttpResponse:
    _my_round(request, round_id)
    try:
        service(round_id=round_id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done_message)
    return redirect("driver:round", round_id=round_id)


@require_POST
@driver_page
def round_start_view(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_action(request, round_id, round_start, _("The round has started. Good road!"))


@require_POST
@driver_page
def round_finish_view(request: HttpRequest, round_id: int) -> HttpResponse:
    return _round_action(request, round_id, round_finish, _("The round is finished. Thank you!"))


def _stop_page(request, round_, stop, *, values=None, errors=None, form_error="", status=200) -> HttpResponse:
    handovers = selectors.handovers_with_phones([stop])[stop.pk]
    notes = [note for note in stop.orders.exclude(note="").order_by("pk").values_list("pk", "note")]
    stops = list(round_.stops.all())
    index = stops.index(stop)
    return render(
        request,
        "staff/driver/stop_detail.html",
        {
            "round": round_,
            "stop": stop,
            "handovers": handovers,
            "notes": notes,
            "is_home": stop.kind == StopKind.HOME,
            "next_stop": next((s for s in stops[index + 1 :] if s.status == StopStatus.PENDING), None),
            "reasons": FailureReason.choices,
            "values": values or {},
            "errors": errors or {},
            "form_error": form_error,
            "received_by_max": RECEIVED_BY_MAX,
            "note_max": NOTE_MAX,
            "can_record": round_.status == RoundStatus.STARTED and stop.status == StopStatus.PENDING,
        },
        status=status,
    )


@require_GET
@driver_page
def stop_detail(request: HttpRequest, round_id: int, stop_id: int) -> HttpResponse:
    round_, stop = _my_stop(request, round_id, stop_id)
    return _stop_page(request, round_, stop)


def _after_stop(round_id: int, stop) -> HttpResponse:
    return redirect(reverse("driver:round", kwargs={"round_id": round_id}) + f"#arret-{stop.pk}")


@require_POST
@driver_page
def stop_deliver_view(request: HttpRequest, round_id: int, stop_id: int) -> HttpResponse:
    """ "Livré": who received it and a photo or a signature. A repeated post for a stop already recorded changes
    nothing and says so; a refused one shows the page again with the message next to the field."""
    round_, stop = _my_stop(request, round_id, stop_id)
    if stop.status != StopStatus.PENDING:
        messages.info(request, _("Stop {number} was already recorded.").format(number=stop.sequence))
        return _after_stop(round_id, stop)
    values = {"received_by": request.POST.get("received_by", "")[:RECEIVED_BY_MAX]}
    try:
        proof = proof_prepare(
            received_by=values["received_by"],
            photo=request.FILES.get("photo"),
            signature=request.POST.get("signature", "") or request.FILES.get("signature"),
        )
        stop_deliver(round_id=round_id, stop_id=stop_id, actor=request.user, proof=proof)
    except ApplicationError as error:
        part = error.extra.get("part")
        errors = {part: error.detail} if part in ("photo", "signature") else {}
        if error.code == "proof_incomplete" and not values["received_by"].strip():
            errors["received_by"] = _("Give the name of who received the delivery.")
        return _stop_page(
            request, round_, stop, values=values, errors=errors, form_error=error.detail, status=error.status_code
        )
    messages.success(request, _("Stop {number} is delivered.").format(number=stop.sequence))
    return _after_stop(round_id, stop)


@require_POST
@driver_page
def stop_fail_view(request: HttpRequest, round_id: int, stop_id: int) -> HttpResponse:
    """ "Échec" with a reason (and a note): what follows is the services' (emails, the manager decides)."""
    round_, stop = _my_stop(request, round_id, stop_id)
    if stop.status != StopStatus.PENDING:
        messages.info(request, _("Stop {number} was already recorded.").format(number=stop.sequence))
        return _after_stop(round_id, stop)
    reason = request.POST.get("reason", "")
    note = request.POST.get("note", "")[:NOTE_MAX]
    if reason not in FailureReason.values:
        return _stop_page(
            request,
            round_,
            stop,
            values={"reason": reason, "note": note},
            errors={"reason": _("Choose why the delivery failed.")},
            form_error=_("Choose why the delivery failed."),
            status=400,
        )
    try:
        stop_fail(round_id=round_id, stop_id=stop_id, reason=reason, note=note, actor=request.user)
    except ApplicationError as error:
        return _stop_page(
            request,
            round_,
            stop,
            values={"reason": reason, "note": note},
            form_error=error.detail,
            status=error.status_code,
        )
    messages.success(request, _("Stop {number}: the failed delivery is recorded.").format(number=stop.sequence))
    return _after_stop(round_id, stop)


@require_GET
@login_required
def proof_file(request: HttpRequest, stop_id: int, part: str) -> HttpResponse:
    """A proof photo or signature, for the staff who can see the stop's round and the customers of its orders
    (`selectors.stop_proof_file`); 404 for anybody else. Never cached by a shared cache."""
    try:
        file = selectors.stop_proof_file(user=request.user, stop_id=stop_id, part=part)
    except NotFound:
        return render(request, "shop/not_found.html", status=404)
    extension = file.name.rsplit(".", 1)[-1]
    response = FileResponse(file.open("rb"), content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
