"""`Authorization: Token <key>`: the key is looked up by its digest, refused once expired, its use recorded.

The last use is written at most once per `API_TOKEN_TOUCH_SECONDS`, so that a busy client does not write a row on
every request; the sliding expiry is that much less precise.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, token_digest


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.last_used_at < ApiToken.expiry_cutoff():
            token.delete()
            raise exceptions.AuthenticationFailed(_("This token has expired: log in again."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at < now - timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
