from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Email or password is incorrect.")


class LoginDelayed(ApplicationError):
    code = "login_delayed"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = _("Too many failed logins for this account: try again in {retry_after} seconds.")


class WrongPassword(ApplicationError):
    code = "wrong_password"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The current password is incorrect.")


class InvalidConfirmationToken(ApplicationError):
    code = "invalid_confirmation_token"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This confirmation link is not valid.")


class ConfirmationTokenExpired(ApplicationError):
    code = "confirmation_token_expired"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This confirmation link has expired: ask for a new one.")


class EmailAlreadyConfirmed(ApplicationError):
    code = "email_already_confirmed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This email address is already confirmed.")


class EmailTaken(ApplicationError):
    code = "email_taken"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Another account uses this email address now: the change was not made.")
