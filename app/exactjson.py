"""Request bodies decoded with JSON numbers kept exact (``0.42`` arrives as ``Decimal("0.42")``, never a float)."""

import decimal
import json
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute


def _refuse_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


class ExactJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = json.loads(body, parse_float=decimal.Decimal, parse_constant=_refuse_constant)
        return self._json


class ExactJSONRoute(APIRoute):
    def get_route_handler(self):  # noqa: ANN201
        handler = super().get_route_handler()

        async def exact_handler(request: Request):  # noqa: ANN202
            return await handler(ExactJSONRequest(request.scope, request.receive))

        return exact_handler
