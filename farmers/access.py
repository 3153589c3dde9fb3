"""Who may open the farmers' space: the members of a producer (`User.producer`), as the workshop API decides
(`processing.permissions.is_producer_member`). Every page then reads through selectors scoped to that producer, so a
member of one producer never reaches another's rows: they are simply not found (404)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from processing.permissions import is_producer_member


def member_required(view):
    """Anonymous → the login page, with `next` (a POST comes back to the space's home page); a logged-in user who is
    not a producer member → a French page saying the space is for producers (403); an object of another producer
    → the space's 404 page. Never cached: each page holds one producer's data."""

    @never_cache
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path() if request.method == "GET" else reverse("farmers:home"))
        if not is_producer_member(request.user):
            return render(request, "farmers/not_member.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "farmers/not_found.html", status=404)

    return wrapper
