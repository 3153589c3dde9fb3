"""One error shape for the whole API: {"code", "detail", "fields"}.

Services raise `ApplicationError` subclasses with a stable `code` (clients depend on it), a translated message and
structured `extra`. DRF's own exceptions, Django's 404 and 500, and oversized bodies are rendered the same way.
"""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .formats import display_value

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A domain error a client can act on.

    Subclasses set `code` (stable, snake_case), `status_code` and `default_message` (translatable). `extra` holds
    structured facts (e.g. `{"product": 12, "available": "3.000"}`) returned under `fields`.

    An error formats its own message (Zulip's `JsonableError`): the placeholders of `default_message` are filled
    from the constructor's keyword arguments when `detail` is read (so in the language of the response). A subclass
    whose sentence shows something other than its `fields` (a status's label where `fields` has its code) takes
    typed keyword arguments and overrides `message_values()`; call sites never build the sentence.
    """

    code = "application_error"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = gettext_lazy("The request cannot be carried out.")

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        self.message = str(message) if message is not None else None
        self.extra = extra
        super().__init__(self.message or str(self.default_message))

    def message_values(self) -> dict[str, Any]:
        """The values the sentence shows, by placeholder name."""
        # Dates, times and decimals read the French way in the sentence; `fields` keeps their ISO / plain forms.
        return {k: display_value(v) for k, v in self.extra.items() if v is not None}

    @property
    def detail(self) -> str:
        if self.message is not None:
            return self.message
        return str(self.default_message).format(**self.message_values())


class NotFound(ApplicationError):
    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = gettext_lazy("Not found.")


class Conflict(ApplicationError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT
    default_message = gettext_lazy("The request conflicts with the current state.")


class InvalidTransition(ApplicationError):
    """`fields` carries the statuses' codes; the sentence shows their labels when the caller knows them
    (`current_label`, `target_label`: the model's choices), their codes otherwise."""

    code = "invalid_transition"
    status_code = status.HTTP_409_CONFLICT
    default_message = gettext_lazy("This change of status is not allowed: from “{current}” to “{target}”.")

    def __init__(
        self, *, current: str, target: str, current_label: str | None = None, target_label: str | None = None
    ) -> None:
        self.current_label, self.target_label = current_label, target_label
        super().__init__(current=current, target=target)

    def message_values(self) -> dict[str, Any]:
        return {
            "current": str(self.current_label if self.current_label is not None else self.extra["current"]),
            "target": str(self.target_label if self.target_label is not None else self.extra["target"]),
        }


class LockTimeout(ApplicationError):
    code = "lock_timeout"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_message = gettext_lazy("The service is busy, please try again in a moment.")


class DatabaseUnavailable(ApplicationError):
    """The database cannot be reached (restarting, failed over, network cut): nothing was written, try again."""

    code = "database_unavailable"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_message = gettext_lazy("The service is briefly unavailable, please try again in a few seconds.")
    retry_after = 5


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_message = gettext_lazy("This Idempotency-Key was already used with a different request body.")


_DRF_CODES: dict[type, tuple[str, str | None]] = {
    drf_exceptions.NotAuthenticated: ("not_authenticated", None),
    drf_exceptions.AuthenticationFailed: ("authentication_failed", None),
    drf_exceptions.PermissionDenied: ("permission_denied", None),
    drf_exceptions.NotFound: ("not_found", None),
    drf_exceptions.MethodNotAllowed: ("method_not_allowed", None),
    drf_exceptions.NotAcceptable: ("not_acceptable", None),
    drf_exceptions.UnsupportedMediaType: ("unsupported_media_type", None),
    drf_exceptions.Throttled: ("throttled", None),
    drf_exceptions.ParseError: ("parse_error", None),
}


def error_body(code: str, detail: str, fields: Any = None) -> dict[str, Any]:
    return {"code": code, "detail": str(detail), "fields": fields or {}}


def _flatten(detail: Any) -> Any:
    """DRF ValidationError detail → plain JSON (lists of strings keyed by field)."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        retry_after = exc.extra.get("retry_after")  # seconds, for a 429 or 503 the client should wait out
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(error_body(exc.code, exc.detail, _jsonable(exc.extra)), status=exc.status_code, headers=headers)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("request_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, OperationalError) and _is_lock_timeout(exc):
        err = LockTimeout()
        return Response(error_body(err.code, err.detail), status=err.status_code, headers={"Retry-After": "2"})
    if is_database_unavailable(exc):
        return _database_unavailable_response(exc)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        response.data = error_body("validation_error", _("Some fields are invalid."), fields)
        return response
    code = next((c for cls, (c, _m) in _DRF_CODES.items() if isinstance(exc, cls)), None)
    if code is None:
        code = getattr(exc, "default_code", "error")
    detail = exc.detail if isinstance(exc, drf_exceptions.APIException) else str(exc)
    fields = {}
    if isinstance(exc, drf_exceptions.Throttled) and exc.wait is not None:
        fields = {"retry_after": int(exc.wait)}
    response.data = error_body(code, str(detail), fields)
    return response


def _is_lock_timeout(exc: OperationalError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate in {"55P03", "40P01"} or "database is locked" in str(exc)


# SQLSTATE classes of a server that is away, not of a bad query: 08 connection exception, 53 insufficient resources,
# 57 operator intervention (shutdown, "cannot connect now"). A failed connection has no SQLSTATE at all.
_UNAVAILABLE_CLASSES = {"08", "53", "57"}


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True for an error that says the database cannot be reached, as opposed to a query it refused."""
    if isinstance(exc, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(exc, OperationalError) or _is_lock_timeout(exc):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate[:2] in _UNAVAILABLE_CLASSES


def _database_unavailable_response(exc: BaseException) -> Response:
    logger.warning("database unavailable: %s", exc)
    err = DatabaseUnavailable()
    return Response(
        error_body(err.code, err.detail), status=err.status_code, headers={"Retry-After": str(err.retry_after)}
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


# --- Django-level handlers (outside DRF views: unknown URLs, crashes) ----------------------------------------------


def json_404(request, exception=None):
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def json_500(request):
    """handler500: JSON under the API, a plain page elsewhere; a database that cannot be reached is a 503 with
    Retry-After (the error raised outside a DRF view, e.g. in a shop page or a middleware)."""
    exc = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if is_database_unavailable(exc):
        logger.warning("database unavailable: %s", exc)
        err = DatabaseUnavailable()
        if api:
            response = JsonResponse(error_body(err.code, err.detail), status=err.status_code)
        else:
            response = HttpResponse(render_to_string("errors/503.html", {"detail": err.detail}), status=err.status_code)
        response["Retry-After"] = str(err.retry_after)
        return response
    if not api:
        return HttpResponse(render_to_string("errors/500.html"), status=500)
    return JsonResponse(
        error_body("server_error", _("An unexpected error occurred. The team has been notified.")), status=500
    )


def json_400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body("request_too_large", _("The request body is too large.")), status=413)
    return JsonResponse(error_body("bad_request", _("Bad request.")), status=400)


def json_403(request, exception=None):
    return JsonResponse(error_body("permission_denied", _("You do not have permission to do this.")), status=403)
