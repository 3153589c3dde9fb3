"""A local fake of Stripe's HTTP API (stripe-python talks to it through `requests`, intercepted by `responses`) and
webhooks signed exactly as Stripe signs them: `Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "{t}.{payload}">`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from urllib.parse import parse_qsl

import responses

WEBHOOK_SECRET = "whsec_test_secret"
API = "https://api.stripe.com/v1"


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_id: str, event_type: str, obj: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}})


def post_webhook(client, payload: str, signature: str | None = None):
    return client.post(
        "/api/v1/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature if signature is not None else sign(payload),
    )


def _form(request) -> dict:
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    return dict(parse_qsl(body))


class FakeStripe:
    """Payment intents, setup intents, customers and refunds kept in dicts; every call is recorded in `calls`."""

    def __init__(self, mock: responses.RequestsMock):
        self.intents: dict[str, dict] = {}
        self.setups: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.calls: list[tuple[str, str, dict]] = []
        self.decline_off_session = False
        self._ids = itertools.count(1)
        mock.add_callback(responses.POST, f"{API}/customers", callback=self._customer)
        mock.add_callback(responses.POST, f"{API}/setup_intents", callback=self._setup)
        mock.add_callback(responses.POST, re.compile(rf"{API}/payment_intents/\w+/capture"), callback=self._capture)
        mock.add_callback(responses.POST, re.compile(rf"{API}/payment_intents/\w+/cancel"), callback=self._cancel)
        mock.add_callback(responses.POST, f"{API}/payment_intents", callback=self._intent_create)
        mock.add_callback(responses.POST, f"{API}/refunds", callback=self._refund)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    @staticmethod
    def _ok(body: dict):
        return 200, {"Request-Id": "req_fake"}, json.dumps(body)

    def _customer(self, request):
        self.calls.append(("customer", "create", _form(request)))
        return self._ok({"id": self._id("cus"), "object": "customer"})

    def _setup(self, request):
        form = _form(request)
        self.calls.append(("setup_intent", "create", form))
        setup = {
            "id": self._id("seti"),
            "object": "setup_intent",
            "status": "requires_payment_method",
            "customer": form.get("customer"),
            "client_secret": "seti_secret_fake",
            "metadata": {"payment": form.get("metadata[payment]")},
        }
        self.setups[setup["id"]] = setup
        return self._ok(setup)

    def _intent_create(self, request):
        form = _form(request)
        self.calls.append(("payment_intent", "create", form))
        amount = int(form["amount"])
        intent = {
            "id": self._id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": form.get("capture_method", "automatic"),
            "customer": form.get("customer"),
            "status": "requires_payment_method",
            "client_secret": "pi_secret_fake",
            "metadata": {"payment": form.get("metadata[payment]")},
        }
        if form.get("off_session") == "true" and form.get("confirm") == "true":
            if self.decline_off_session:
                error = {"error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}}
                return 402, {}, json.dumps(error)
            intent.update(status="succeeded", amount_received=amount)
        self.intents[intent["id"]] = intent
        return self._ok(intent)

    def _capture(self, request):
        form = _form(request)
        intent_id = request.url.split("/")[-2]
        self.calls.append(("payment_intent", "capture", {"id": intent_id, **form}))
        intent = self.intents[intent_id]
        amount = int(form.get("amount_to_capture", intent["amount_capturable"]))
        assert intent["status"] == "requires_capture" and amount <= intent["amount_capturable"]
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        return self._ok(intent)

    def _cancel(self, request):
        intent_id = request.url.split("/")[-2]
        self.calls.append(("payment_intent", "cancel", {"id": intent_id}))
        intent = self.intents[intent_id]
        intent.update(status="canceled", amount_capturable=0)
        return self._ok(intent)

    def _refund(self, request):
        form = _form(request)
        self.calls.append(("refund", "create", form))
        refund = {"id": self._id("re"), "object": "refund", "amount": int(form["amount"]), "status": "succeeded"}
        self.refunds.append({**refund, "payment_intent": form["payment_intent"]})
        return self._ok(refund)

    # --- what the customer's browser does with Stripe.js, and the events Stripe then sends ---

    def confirm_card(self, intent_id: str) -> str:
        """The customer confirmed the card: a manual-capture intent is authorised, an automatic one charged (as
        Stripe does). Returns the signed-ready event."""
        intent = self.intents[intent_id]
        if intent["capture_method"] == "automatic":
            intent.update(status="succeeded", amount_received=intent["amount"])
            return event(f"evt_paid_{intent_id}", "payment_intent.succeeded", dict(intent))
        intent.update(status="requires_capture", amount_capturable=intent["amount"])
        return event(f"evt_auth_{intent_id}", "payment_intent.amount_capturable_updated", dict(intent))

    def confirm_setup(self, setup_id: str) -> str:
        setup = self.setups[setup_id]
        setup.update(status="succeeded", payment_method="pm_card_visa")
        return event(f"evt_setup_{setup_id}", "setup_intent.succeeded", dict(setup))

    def calls_of(self, kind: str, action: str) -> list[dict]:
        return [form for k, a, form in self.calls if (k, a) == (kind, action)]
