"""Witnesses in the test process: the witness's HTTP calls answered by the app's TestClient."""

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from governance.log.witness_cli import Http, ServerError, Witness, WitnessState
from tests.factories import CoalitionFixture


class ClientHttp(Http):
    """The witness's ``Http`` over a TestClient (same paths, same errors)."""

    def __init__(self, client: TestClient, base: str) -> None:
        super().__init__(base)
        self.client = client

    def _answer(self, response):  # noqa: ANN001, ANN202
        if response.status_code >= 400:
            raise ServerError(f"{response.request.url}: HTTP {response.status_code} {response.text[:300]}")
        return response

    def text(self, path: str) -> str:
        return self._answer(self.client.get(self.base + path)).text

    def json(self, path: str) -> dict:
        return self._answer(self.client.get(self.base + path)).json()

    def post(self, path: str, body: dict) -> dict:
        return self._answer(self.client.post(self.base + path, json=body)).json()


def register_witness(client: TestClient, fixture: CoalitionFixture, member: str) -> Ed25519PrivateKey:
    """A new witness key for ``member``, registered by its representative."""
    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes_raw()).decode()
    response = client.post(fixture.url(f"/members/{member}/keys"), headers=fixture.reps[member],
                           json={"public_key": public, "label": f"{member} witness", "purpose": "witness"})
    assert response.status_code == 201, response.text
    return key


def make_witness(app, client: TestClient, fixture: CoalitionFixture, key: Ed25519PrivateKey,  # noqa: ANN001
                 folder: Path, name: str) -> Witness:
    http = ClientHttp(client, fixture.url())
    state = WitnessState(url=http.base, log_key=http.text("/log/key").strip())
    return Witness(http, key, state, folder / f"{name}.json", say=lambda _: None,
                   clock=lambda: app.state.clock().timestamp())
