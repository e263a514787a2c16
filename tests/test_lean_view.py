"""The lean POST path answers exactly what strawberry's whole view answers."""

from __future__ import annotations

import logging

import pytest

WHOLE_VIEW = {"Accept": "application/graphql-response+json, application/json;q=0.9"}
"""graphql-response+json is negotiated by the whole view only: these requests never take
the lean path."""


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query Services { services { type name requiredDocuments } }", None),
        ("query Me { me { nationalId } }", None),
        ("query Bad($n: Int) { me { requests(first: $n) { edges { cursor } } } }", {"n": "x"}),
        ('mutation { login(input: {nationalId: "1", password: "x"}) { errors { code } } }', None),
    ],
)
async def test_lean_and_whole_paths_answer_alike(app, client, query, variables) -> None:
    body = {"query": query, "variables": variables}
    lean = await client.post("/graphql", json=body)
    (view,) = [route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql"]
    assert view.prepared[(query, None)] is not None  # it took the lean path
    again = await client.post("/graphql", json=body)  # the second one from the prepared cache
    whole = await client.post("/graphql", json=body, headers=WHOLE_VIEW)
    assert lean.headers["content-type"] == "application/json"
    assert lean.status_code == again.status_code == 200
    assert lean.json() == again.json()
    if "errors" not in lean.json() or lean.json().get("data") is not None:
        assert lean.json() == whole.json()
    else:  # a request error: graphql-response+json leaves `data` out
        assert {"data": None, **whole.json()} == lean.json()


async def test_documents_that_do_not_validate_take_the_whole_path(app, client) -> None:
    for _ in range(2):
        typo = await client.post("/graphql", json={"query": "{ mee { id } }"})
        assert typo.status_code == 200
        assert "Did you mean 'me'?" in typo.json()["errors"][0]["message"]
    (view,) = [route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql"]
    assert view.prepared[("{ mee { id } }", None)] is None
    broken = await client.post("/graphql", content=b'{"query": ', headers={
        "Content-Type": "application/json"})
    assert broken.status_code == 400


async def test_bugs_are_masked_on_the_lean_path_too(client, monkeypatch, caplog) -> None:
    from resolvers import catalog

    def broken(language):
        raise RuntimeError("secret internals")

    query = {"query": "query Services { services { type } }"}
    assert (await client.post("/graphql", json=query)).status_code == 200  # now prepared
    monkeypatch.setattr(catalog, "services", broken)
    with caplog.at_level(logging.ERROR):
        answer = (await client.post("/graphql", json=query)).json()
    assert answer["errors"][0]["message"] == "Unexpected error."
    assert "secret internals" not in str(answer)
    assert any(record.exc_info and "secret internals" in str(record.exc_info[1])
               for record in caplog.records)
