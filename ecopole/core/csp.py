"""Content-Security-Policy on every response: the admin, the API docs, the confirmation page, the browsable API.

A small middleware rather than django-csp: the project needs one fixed policy and no per-view nonces (no page has
an inline script: the Swagger UI runs from static files, its settings script included, through drf-spectacular's
split view), so a dependency would add configuration and nothing else. The policy is `CONTENT_SECURITY_POLICY`;
a response that already carries one keeps it.
"""

from __future__ import annotations

from django.conf import settings

# The one external script the project allows, on the one page that needs it: Stripe's card field (card numbers go
# from the customer's browser to Stripe, never through our server), in its own frame, talking to Stripe's API.
STRIPE_SOURCES = {
    "script-src": "https://js.stripe.com",
    "frame-src": "https://js.stripe.com https://hooks.stripe.com",
    "connect-src": "https://api.stripe.com",
}


def policy_with_stripe(policy: str | None = None) -> str:
    """`CONTENT_SECURITY_POLICY` widened for Stripe.js only (the card payment page sets it on its response)."""
    directives: dict[str, str] = {}
    for part in (policy if policy is not None else settings.CONTENT_SECURITY_POLICY).split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value
    for name, source in STRIPE_SOURCES.items():
        directives[name] = f"{directives.get(name, chr(39) + 'self' + chr(39))} {source}".strip()
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
