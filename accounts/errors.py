from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Email or password is incorrect.")


class EmailTaken(ApplicationError):
    code = "email_taken"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("An account already exists with this email address.")


class LoginDelayed(ApplicationError):
    code = "login_delayed"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = _("Too many failed logins for this account: try again in {retry_after} seconds.")
