"""Errors format their own sentence from typed keyword arguments (Zulip's JsonableError); callers never do."""

import pytest
from django.utils import translation

from ecopole.core.exceptions import InvalidTransition
from orders.errors import PaymentNotAllowed, WrongFulfilment
from orders.models import OrderStatus


def test_invalid_transition_shows_labels_and_keeps_codes_in_fields():
    error = InvalidTransition(
        current="fulfilled",
        target="rescheduled",
        current_label=OrderStatus.FULFILLED.label,
        target_label=OrderStatus.PREPARING.label,
    )
    with translation.override("fr"):
        assert error.detail == "Ce changement de statut n'est pas permis : de « Remise » à « En préparation »."
    assert error.code == "invalid_transition" and error.status_code == 409
    assert error.extra == {"current": "fulfilled", "target": "rescheduled"}


def test_invalid_transition_without_labels_shows_the_codes():
    error = InvalidTransition(current="requested", target="completed")
    with translation.override("fr"):
        assert error.detail == "Ce changement de statut n'est pas permis : de « requested » à « completed »."


def test_payment_not_allowed_names_both_payment_statuses():
    error = PaymentNotAllowed(current="unpaid", target="refunded")
    with translation.override("fr"):
        assert error.detail == "Le paiement ne peut pas passer de « Non payée » à « Remboursée »."
    with translation.override("en"):  # formatted when read: in the language of the response
        assert error.detail == "The payment cannot go from “Unpaid” to “Refunded”."
    assert error.extra == {"current": "unpaid", "target": "refunded"}


def test_wrong_fulfilment_names_the_status():
    error = WrongFulfilment(target="out_for_delivery")
    with translation.override("fr"):
        assert error.detail == "Le statut « En livraison » ne s'applique pas à ce type de commande."
    assert error.extra == {"target": "out_for_delivery"}


@pytest.mark.parametrize("error_class", [InvalidTransition, PaymentNotAllowed, WrongFulfilment])
def test_a_call_site_cannot_hand_in_a_ready_made_message(error_class):
    with pytest.raises(TypeError):
        error_class("a sentence built by the caller", current="a", target="b")
