"""Private iCalendar feeds: RFC 5545 shape, secret URL, revocable and rotatable."""

import pytest

from processing.services.ical import escape_text, fold
from tests.factories.accounts import ProducerMemberFactory

from .helpers import THURSDAY_MORNING, make_booking, paris

pytestmark = pytest.mark.django_db

FEED = "/api/v1/processing/calendar-feed/"


def test_fold_splits_at_75_octets_without_breaking_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_escape_text():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_a_producer_feed_lists_its_bookings(frozen, workshop, producer, producer_client, other_producer, api_client):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING, raw_product_name="Tomates, oignons; ail")
    make_booking(other_producer, workshop["washing"], paris(2026, 11, 20, 8), paris(2026, 11, 20, 12))

    created = producer_client.post(FEED)
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://testserver/api/v1/processing/ical/") and url.endswith(".ics")
    response = api_client.get(url)  # no login

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261119T070000Z" in text and "DTEND:20261119T110000Z" in text
    assert "Tomates\\, oignons\\; ail" in text.replace("\r\n ", "")
    assert "STATUS:TENTATIVE" in text


def test_revoked_or_rotated_tokens_give_404(frozen, workshop, producer_client, api_client):
    first = producer_client.post(FEED).json()["url"]
    second = producer_client.post(FEED).json()["url"]
    assert first != second
    assert api_client.get(first).status_code == 404
    assert api_client.get(second).status_code == 200
    assert producer_client.get(FEED).json()["url"] == second
    assert producer_client.delete(FEED).status_code == 204
    assert api_client.get(second).status_code == 404
    assert producer_client.get(FEED).json()["url"] is None
    assert api_client.get("/api/v1/processing/ical/not-a-token.ics").status_code == 404


def test_staff_have_a_workshop_feed_and_manage_a_producers(
    frozen, workshop, producer, other_producer, manager_client, api_client
):
    make_booking(producer, workshop["washing"], *THURSDAY_MORNING)
    make_booking(other_producer, workshop["washing"], paris(2026, 11, 20, 8), paris(2026, 11, 20, 12))
    workshop_feed = manager_client.post(FEED).json()
    assert workshop_feed["scope"] == "workshop"
    assert api_client.get(workshop_feed["url"]).content.decode().count("BEGIN:VEVENT") == 2
    theirs = manager_client.post(FEED + f"?producer={other_producer.pk}").json()
    assert theirs["scope"] == "producer" and theirs["producer"] == other_producer.pk
    # the producer member revokes its own, staff's workshop feed is untouched
    from tests.clients import client_for

    client_for(ProducerMemberFactory(producer=other_producer)).delete(FEED)
    assert api_client.get(theirs["url"]).status_code == 404
    assert api_client.get(workshop_feed["url"]).status_code == 200


def test_a_producer_member_cannot_reach_another_producers_feed(frozen, producer_client, other_producer, api_client):
    # the ?producer= parameter is ignored for producer members: it is always their own feed
    mine = producer_client.post(FEED + f"?producer={other_producer.pk}").json()
    assert mine["producer"] != other_producer.pk
