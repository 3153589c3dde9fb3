"""The customer's account pages (namespace `account`, under /compte/): register, confirm the address, log in and out,
reset a forgotten password, the profile and the password.

Each view parses its form and calls the accounts services the API calls (`user_register`, `email_confirm`,
`user_update`, `user_password_change`, `password_reset_request`); logging in goes through `authenticate()`, hence
through the per-account login guard of accounts/login_guard.py, and behind the per-address `login` rate the API's
token endpoint and the admin's login share. Every form posts and redirects (POST/redirect/GET).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as account_services
from accounts.errors import (
    ConfirmationTokenExpired,
    EmailAlreadyConfirmed,
    EmailTaken,
    InvalidConfirmationToken,
    InvalidCredentials,
    LoginDelayed,
    WrongPassword,
)
from accounts.login_guard import login_success_record
from ecopole.core.throttling import AddressRateThrottle, KeyRateThrottle

from .forms import (
    EmailChangeForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
)

# The address registered in this browser: its confirmation link, opened here, logs the customer in.
PENDING_EMAIL_KEY = "account_pending_email"
# Where the customer was going when they registered (checkout, with their cart): the confirmation link, opened in
# this browser, brings them back there once logged in.
PENDING_NEXT_KEY = "account_pending_next"
BACKEND = "accounts.backends.EmailBackend"


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` if it is a path of this site (never another host, nor a scheme like javascript:), else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _throttled(request: HttpRequest, throttle, template: str, context: dict) -> HttpResponse:
    wait = max(1, int(throttle.wait() or 1))
    context["form_error"] = _("Too many attempts from your connection: try again in {seconds} seconds.").format(
        seconds=wait
    )
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or "account:home")
    form = LoginForm(request.POST or None, initial={"next": next_url})
    context = {"form": form}
    if request.method == "POST":
        throttle = AddressRateThrottle("login")
        if not throttle.allow_request(request, None):
            return _throttled(request, throttle, "shop/account/login.html", context)
        if form.is_valid():
            try:
                user = authenticate(
                    request, email=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"]
                )
            except LoginDelayed as error:
                context["form_error"] = error.detail
                response = render(request, "shop/account/login.html", context, status=429)
                response["Retry-After"] = str(error.extra["retry_after"])
                return response
            if user is not None and user.is_active:
                login(request, user)  # a new session key, the same session data: the cart stays
                messages.success(request, _("You are logged in."))
                return redirect(next_url or "account:home")
            context["form_error"] = InvalidCredentials().detail
        return render(request, "shop/account/login.html", context, status=400)
    return render(request, "shop/account/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are logged out. See you soon!"))
    return redirect("shop:home")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or "account:home")
    form = RegisterForm(request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        throttle = AddressRateThrottle("register")
        if not throttle.allow_request(request, None):
            return _throttled(request, throttle, "shop/account/register.html", context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                account_services.user_register(
                    email=data["email"], password=data["password1"], full_name=data["full_name"], phone=data["phone"]
                )
            except DjangoValidationError as error:
                for message in error.message_dict.get("password", error.messages):
                    form.add_error("password1", message)
            else:
                # The same answer for a new and a known address (the service says nothing either).
                request.session[PENDING_EMAIL_KEY] = data["email"].strip().lower()
                if next_url:
                    request.session[PENDING_NEXT_KEY] = next_url
                else:
                    request.session.pop(PENDING_NEXT_KEY, None)
                return redirect("account:register-done")
        return render(request, "shop/account/register.html", context, status=400)
    return render(request, "shop/account/register.html", context)


@require_http_methods(["GET"])
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/account/register_done.html", {"email": request.session.get(PENDING_EMAIL_KEY, "")})


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest) -> HttpResponse:
    """The page the confirmation email links to (/compte/confirmer-email/?token=…). GET shows a button (a mail
    scanner that follows links confirms nothing); its POST confirms. Opened in the browser that registered, it
    logs the customer in; elsewhere it says the address is confirmed and to log in."""
    template = "shop/account/email_confirm.html"
    if request.method == "POST":
        try:
            user = account_services.email_confirm(token=request.POST.get("token", ""))
        except (InvalidConfirmationToken, ConfirmationTokenExpired) as error:
            return render(request, template, {"error": error.detail}, status=400)
        pending = request.session.get(PENDING_EMAIL_KEY)
        if request.user.is_authenticated and request.user.pk == user.pk:
            messages.success(request, _("Thank you: your email address is confirmed."))
            return redirect("account:home")
        if pending and pending == user.email.lower() and not request.user.is_authenticated:
            next_url = safe_next(request, request.session.get(PENDING_NEXT_KEY))
            login(request, user, backend=BACKEND)  # the session's data stays: the cart, and where they were going
            request.session.pop(PENDING_EMAIL_KEY, None)
            request.session.pop(PENDING_NEXT_KEY, None)
            messages.success(request, _("Thank you: your email address is confirmed. Welcome, you are logged in."))
            return redirect(next_url or "account:home")
        return redirect(f"{reverse('email-confirm-page')}?done=1")
    return render(request, template, {"token": request.GET.get("token", ""), "done": request.GET.get("done") == "1"})


@login_required
@require_POST
def email_confirm_resend(request: HttpRequest) -> HttpResponse:
    # The API's counter for this user (ScopedRateThrottle keys an authenticated caller on their id).
    throttle = KeyRateThrottle("confirm_email", str(request.user.pk))
    if not throttle.allow_request(request, None):
        wait = max(1, int(throttle.wait() or 1))
        messages.error(
            request, _("You asked several times already: try again in {seconds} seconds.").format(seconds=wait)
        )
        return redirect("account:home")
    try:
        account_services.email_confirmation_resend(user=request.user)
    except EmailAlreadyConfirmed as error:
        messages.info(request, error.detail)
    else:
        messages.success(request, _("A new confirmation link is on its way."))
    return redirect("account:home")


# --- Password reset ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The same answer, and the same work, for a known and an unknown address: the request
    only writes an outbox message (accounts.services.password_reset_request). Throttled per client address (a 429
    page) and per address asked for (over it, the same answer and no email: no one can flood a mailbox)."""
    form = PasswordResetRequestForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        throttle = AddressRateThrottle("password_reset")
        if not throttle.allow_request(request, None):
            return _throttled(request, throttle, "shop/account/password_reset.html", context)
        if not form.is_valid():
            return render(request, "shop/account/password_reset.html", context, status=400)
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        if KeyRateThrottle("password_reset_email", digest).allow_request(request, None):
            account_services.password_reset_request(email=email)
        return redirect("account:password-reset-sent")
    return render(request, "shop/account/password_reset.html", context)


@require_http_methods(["GET"])
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    minutes = max(1, settings.PASSWORD_RESET_TIMEOUT // 60)
    return render(request, "shop/account/password_reset_sent.html", {"valid_minutes": minutes})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view of the emailed link: it checks the token (valid PASSWORD_RESET_TIMEOUT, once), moves it out of
    the address bar into the session, and sets the new password. A new password also lifts the account's login
    delay (the customer proved they own the address) and revokes every API token (User.save)."""

    template_name = "shop/account/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("account:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        login_success_record(email=form.user.email)
        return response


@require_http_methods(["GET"])
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/account/password_reset_complete.html")


# --- Profile ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name, "phone": user.phone})
    if request.method == "POST":
        if form.is_valid():
            account_services.user_update(
                user=user, full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"]
            )
            messages.success(request, _("Your details were saved."))
            return redirect("account:home")
        return render(request, "shop/account/home.html", {"form": form}, status=400)
    return render(request, "shop/account/home.html", {"form": form})


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_services.user_password_change(
                    user=request.user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password1"],
                    issue_token=False,
                )
            except WrongPassword as error:
                form.add_error("current_password", error.detail)
            except DjangoValidationError as error:
                for message in error.message_dict.get("password", error.messages):
                    form.add_error("new_password1", message)
            else:
                update_session_auth_hash(request, request.user)  # this session stays logged in, the others end
                messages.success(request, _("Your password was changed."))
                return redirect("account:home")
        return render(request, "shop/account/password_change.html", {"form": form}, status=400)
    return render(request, "shop/account/password_change.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """A new address takes effect once the link emailed to it is followed (`email_change_confirm`)."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_services.email_change_request(
                    user=request.user, new_email=form.cleaned_data["new_email"], password=form.cleaned_data["password"]
                )
            except WrongPassword as error:
                form.add_error("password", error.detail)
            else:
                messages.success(
                    request,
                    _("We have sent a link to {email}: your address changes when you follow it.").format(
                        email=form.cleaned_data["new_email"]
                    ),
                )
                return redirect("account:home")
        return render(request, "shop/account/email_change.html", {"form": form}, status=400)
    return render(request, "shop/account/email_change.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest) -> HttpResponse:
    """The link of the email sent to the new address: GET shows a button (mail scanners change nothing), POST moves
    the account to the new address, confirmed."""
    template = "shop/account/email_change_confirm.html"
    if request.method == "POST":
        try:
            account_services.email_change_confirm(token=request.POST.get("token", ""))
        except (InvalidConfirmationToken, ConfirmationTokenExpired, EmailTaken) as error:
            return render(request, template, {"error": error.detail}, status=400)
        messages.success(request, _("Your new email address is confirmed."))
        return redirect("account:home" if request.user.is_authenticated else "account:login")
    return render(request, template, {"token": request.GET.get("token", "")})
