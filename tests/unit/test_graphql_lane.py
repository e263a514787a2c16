"""The GraphQL lane: JSON POSTs to the GraphQL route reach its view directly, with the scope
the router would have given it; every other request still goes through the router."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from schema.http.middleware import GraphQLLane


class RecordingView:
    """An ASGI endpoint that answers which way the request came."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        routed = "starlette.exception_handlers" in scope  # set by Starlette's exception layer
        await JSONResponse({
            "via": "router" if routed else "lane",
            "route": scope["route"].path,
            "endpoint": type(scope["endpoint"]).__name__,
            "pathParams": scope["path_params"],
        })(scope, receive, send)


def client(root_path: str = "") -> httpx.AsyncClient:
    route = Route("/graphql", RecordingView(), methods=["GET", "POST"])
    app = Starlette(routes=[route], middleware=[Middleware(GraphQLLane, route=route)])
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    return httpx.AsyncClient(transport=transport, base_url="http://lane")


async def test_a_json_post_reaches_the_view_with_the_routers_scope():
    async with client() as http:
        for content_type in ("application/json", "Application/JSON; charset=utf-8"):
            response = await http.post("/graphql", content=b"{}",
                                       headers={"content-type": content_type})
            assert response.json() == {"via": "lane", "route": "/graphql",
                                       "endpoint": "RecordingView", "pathParams": {}}


async def test_every_other_request_goes_through_the_router():
    async with client() as http:
        assert (await http.get("/graphql")).json()["via"] == "router"
        uploaded = await http.post("/graphql", files={"0": ("a.pdf", b"%PDF-1.7")})
        assert uploaded.json()["via"] == "router"
        plain = await http.post("/graphql", content=b"{}", headers={"content-type": "text/plain"})
        assert plain.json()["via"] == "router"
        assert (await http.post("/graphql", content=b"{}")).json()["via"] == "router"
        # The router's own answers stay its own.
        assert (await http.post("/other", json={})).status_code == 404
        assert (await http.put("/graphql", json={})).status_code == 405


async def test_the_route_is_matched_below_the_root_path():
    async with client(root_path="/api") as http:
        response = await http.post("/api/graphql", json={})
        assert response.json()["via"] == "lane"
