"""Order emails print quantities with the shared unit helper: "2 pièces", not "2 pièce"."""

from tests.orders.helpers import pickup_body

URL = "/api/v1/orders/"


def test_the_confirmation_says_2_pieces_and_2_bottes(
    customer_client, depot, meal, leeks, jam, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(URL, pickup_body(depot, [(meal, 2), (leeks, 1), (jam, 3)]), format="json")
    assert response.status_code == 201, response.content
    (email,) = mailoutbox
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "2 pièces" in text and "2 pièce " not in text
        assert "1 botte" in text and "3 bocaux" in text
