"""Every error under /api/ is the JSON error body, whatever the settings.

With DEBUG on (`make run`), Django answers a path that matches no route, or an uncaught exception, with its HTML
debug page: `handler404`/`handler500` are used only with DEBUG off. Clients of the API (and the published schema)
expect `{"code", "detail", "fields"}` in both modes, so an error response under the API prefix that is not JSON is
replaced by the JSON one. The debug page still shows for the admin and the other HTML pages.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from .exceptions import error_body

API_PREFIX = "/api/"

_CODES = {
    400: ("bad_request", _("Bad request.")),
    403: ("permission_denied", _("You do not have permission to do this.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("Method not allowed.")),
    500: ("server_error", _("An unexpected error occurred. The team has been notified.")),
}


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _CODES.get(response.status_code, ("error", _("The request cannot be carried out.")))
            json_response = JsonResponse(error_body(code, str(message)), status=response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response
