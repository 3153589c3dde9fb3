"""The planning board (/equipe/tournees/), for managers: plan a delivery date, follow the planning job, then per
round the vehicle, the driver, the stops in order with their arrival times and windows, the load against the
capacity, the distance and the duration; the stops left unassigned with their reason. A manager moves a stop to
another round or another place, gives a round to a driver, locks it, prints the sheets.

Every action is a plain form post answered by a redirect (POST/redirect/GET) and calls the service the API calls
(`deliveries.services`): the rules and their refusals (in French, as messages) are the services'. The planning runs
in the Celery task the API starts (`planning_job_request`); the page polls its progress with htmx and offers a
plain reload link without JavaScript. The table is the truth; the map (Leaflet, staff/static/staff/planning-map.js)
only draws it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from deliveries import selectors
from deliveries.models import PlanningJob, RoundStatus
from deliveries.services.moves import stop_move
from deliveries.services.planning import depot_get
from deliveries.services.planning_jobs import planning_job_request
from deliveries.services.rounds import round_driver_assign, round_lock_set
from ecopole.core.exceptions import ApplicationError
from ecopole.core.permissions import is_manager

# Colours of the rounds on the map and in the legend (planning.css has the same, as .swatch-0 … .swatch-7).
ROUND_COLOURS = ["#1f5fa8", "#a33a00", "#2c6e2f", "#7b2f8f", "#8a5a00", "#0f6f74", "#b0245a", "#4a4a4a"]


def manager_required(view):
    """Managers only: an anonymous visitor is sent to the login page, anybody else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _day(value: str | None) -> date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _board_url(day: date, anchor: str = "") -> str:
    return f"{reverse('staff:planning-board')}?date={day.isoformat()}{anchor}"


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _round_view(round_, index: int) -> dict:
    stops = list(round_.stops.all())
    vehicle = round_.vehicle
    rows = []
    for stop in stops:
        arrival = timezone.localtime(stop.arrival_at)
        late = stop.window_end is not None and arrival.time() > stop.window_end
        rows.append({"stop": stop, "arrival": arrival, "late": late})
    return {
        "round": round_,
        "colour": ROUND_COLOURS[index % len(ROUND_COLOURS)],
        "swatch": f"swatch-{index % len(ROUND_COLOURS)}",
        "rows": rows,
        "duration": _minutes(round_.planned_end - round_.planned_start),
        "over_kg": round_.load_kg > vehicle.capacity_kg,
        "over_crates": round_.load_crates > vehicle.capacity_crates,
        "editable": round_.status == RoundStatus.PLANNED,
    }


def _map_data(rounds: list[dict]) -> dict:
    depot = None
    try:
        point = depot_get()
        depot = {"lat": float(point.latitude), "lon": float(point.longitude), "label": point.name}
    except ApplicationError:
        pass
    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "depot": depot,
        "rounds": [
            {
                "label": str(view["round"].vehicle),
                "colour": view["colour"],
                "stops": [
                    {
                        "lat": float(row["stop"].latitude),
                        "lon": float(row["stop"].longitude),
                        "label": f"{row['stop'].sequence}. {row['stop'].label}",
                    }
                    for row in view["rows"]
                ],
            }
            for view in rounds
        ],
    }


def _board_context(request: HttpRequest, day: date) -> dict:
    rounds = [_round_view(r, i) for i, r in enumerate(selectors.round_list(user=request.user, day=day))]
    run = selectors.planning_run_get(day=day)
    job = selectors.planning_job_latest(day=day)
    return {
        "day": day,
        "rounds": rounds,
        "targets": [view["round"] for view in rounds if view["editable"]],
        "unassigned": run.unassigned if run else [],
        "run": run,
        "job": job,
        "job_active": job is not None and job.status in PlanningJob.ACTIVE,
        "drivers": selectors.driver_list(),
        "map_data": _map_data(rounds),
    }


@manager_required
@require_GET
def planning_board(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("date")
    day = _day(raw)
    if raw and day is None:
        messages.error(request, _("Give a date as YYYY-MM-DD."))
    day = day or timezone.localdate()
    return render(request, "staff/planning/board.html", _board_context(request, day))


@manager_required
@require_GET
def planning_sheets(request: HttpRequest) -> HttpResponse:
    """Every round of the date on paper: one sheet per round (the print stylesheet breaks the page between them)."""
    day = _day(request.GET.get("date")) or timezone.localdate()
    return render(request, "staff/planning/sheets.html", _board_context(request, day))


@manager_required
@require_GET
def planning_progress(request: HttpRequest) -> HttpResponse:
    """The planning job's progress, polled by htmx while it is queued or running; once it is over the whole page is
    reloaded (its rounds changed). Without htmx: back to the board."""
    day = _day(request.GET.get("date")) or timezone.localdate()
    job = selectors.planning_job_latest(day=day)
    active = job is not None and job.status in PlanningJob.ACTIVE
    if not request.htmx:
        return redirect(_board_url(day))
    if not active:
        return HttpResponseClientRefresh()
    return render(request, "staff/planning/_progress.html", {"day": day, "job": job, "job_active": active})


@manager_required
@require_POST
def planning_start(request: HttpRequest) -> HttpResponse:
    day = _day(request.POST.get("date"))
    if day is None:
        messages.error(request, _("Give a date as YYYY-MM-DD."))
        return redirect(reverse("staff:planning-board"))
    try:
        job, created = planning_job_request(date=day, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        job.refresh_from_db()
        if job.status == "done":
            messages.success(request, _("The rounds are planned."))
        elif job.status == "failed":
            messages.error(request, job.error_detail or _("The planning failed."))
        elif created:
            messages.info(request, _("The planning has started."))
    return redirect(_board_url(day, "#planification"))


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _round_action(request: HttpRequest, round_id: int, action, success: str) -> HttpResponse:
    round_ = selectors.round_list(user=request.user).filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    try:
        action(round_)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, success)
    return redirect(_board_url(round_.date, f"#tournee-{round_.pk}"))


@manager_required
@require_POST
def round_move_stop(request: HttpRequest, round_id: int, stop_id: int) -> HttpResponse:
    target, position = _int(request.POST.get("round")), _int(request.POST.get("position"))

    def move(round_):
        if target is None or position is None or position < 1:
            raise ApplicationError(_("Choose a round and a position (1 for the first stop)."))
        stop_move(stop_id=stop_id, round_id=round_.pk, target_round_id=target, position=position, actor=request.user)

    return _round_action(request, round_id, move, _("The stop was moved; arrival times are recomputed."))


@manager_required
@require_POST
def round_lock(request: HttpRequest, round_id: int) -> HttpResponse:
    locked = request.POST.get("locked") == "1"
    return _round_action(
        request,
        round_id,
        lambda r: round_lock_set(round_id=r.pk, locked=locked, actor=request.user),
        _("The round is locked: re-planning leaves it alone.") if locked else _("The round is unlocked."),
    )


@manager_required
@require_POST
def round_driver(request: HttpRequest, round_id: int) -> HttpResponse:
    driver = _int(request.POST.get("driver"))
    return _round_action(
        request,
        round_id,
        lambda r: round_driver_assign(round_id=r.pk, driver_id=driver, actor=request.user),
        _("The driver is saved."),
    )
