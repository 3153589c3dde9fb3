"""Geocoding fixtures shared by the deliveries, orders, baskets and shop tests: the repository's BAN extract loaded
in the offline table, and a stand-in for the BAN's public API served over real HTTP on 127.0.0.1 (the online
geocoder is replaced at the HTTP layer: its own request, timeout and parsing code all run)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from deliveries.geocoding import SAMPLE_CSV, ban_import


@pytest.fixture
def ban_sample(db, settings):
    """The offline geocoder (GEOCODER_URL empty) on the repository's extract of the BAN (made-up addresses)."""
    settings.GEOCODER_URL = ""
    return ban_import(SAMPLE_CSV)


def ban_feature(
    label,
    *,
    lat,
    lon,
    score=0.9,
    kind="housenumber",
    name=None,
    postcode="62100",
    city="Calais",
    citycode="62193",
    street=None,
):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "type": kind,
            "name": name or label.rsplit(f" {postcode}", 1)[0],
            "street": street or (name or label).split(" ", 1)[-1],
            "postcode": postcode,
            "citycode": citycode,
            "city": city,
            "context": "62, Pas-de-Calais, Hauts-de-France",
        },
    }


class FakeBan:
    """What the next answers are: `features`, or a `status` / a `delay` / a raw `body`. Records the queries."""

    def __init__(self):
        self.features: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.body: bytes | None = None
        self.queries: list[dict] = []
        self.paths: list[str] = []


@pytest.fixture
def fake_ban(settings):
    state = FakeBan()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            state.paths.append(url.path)
            state.queries.append({k: v[0] for k, v in parse_qs(url.query).items()})
            if state.delay:
                time.sleep(state.delay)
            body = (
                state.body
                if state.body is not None
                else json.dumps({"type": "FeatureCollection", "version": "draft", "features": state.features}).encode()
            )
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (the timeout test)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_TIMEOUT_SECONDS = 0.5
    yield state
    server.shutdown()
    server.server_close()
