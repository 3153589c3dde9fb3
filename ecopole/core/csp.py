"""Content-Security-Policy on every response: the admin, the API docs, the confirmation page, the browsable API.

A small middleware rather than django-csp: the project needs one fixed policy and no per-view nonces (no page has
an inline script: the Swagger UI runs from static files, its settings script included, through drf-spectacular's
split view), so a dependency would add configuration and nothing else. The policy is `CONTENT_SECURITY_POLICY`;
a response that already carries one keeps it.
"""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
