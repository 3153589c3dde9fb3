"""Who may open the staff pages: managers and preparers (`sees_all_orders`). Anonymous visitors are sent to the
login page; anyone else signed in (a customer, a producer, a driver only) gets a 403 page, never the content."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from ecopole.core.permissions import sees_all_orders


def preparer_or_manager_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sees_all_orders(request.user):
            return render(request, "staff/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
