"""Trusted documents (OPERATIONS.md): the frontend's documents from graphql-codegen's
persisted-documents manifest run by `documentId` over POST and GET; an unknown ID is
PERSISTED_DOCUMENT_NOT_FOUND; with TRUSTED_DOCUMENTS_ONLY nothing else runs
(TRUSTED_DOCUMENT_REQUIRED); public queries by GET are cacheable; a bad manifest keeps the
server from starting."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest

from resolvers.platform.settings import ConfigurationError, Settings
from schema.http.app import create_app
from tests.support import serving, signed_up

CATALOG = "query Catalog($named: Boolean!) { services { type name @include(if: $named) } }"
ME = "query Me { me { fullName nationalId } }"
LOGOUT = "mutation Logout { logout(input: {}) { errors { code } } }"


def document_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def manifest(folder: Path, entries: dict[str, str]) -> str:
    path = folder / "persisted-documents.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return str(path)


@contextlib.asynccontextmanager
async def served(settings: Settings, folder: Path, *, only: bool) -> AsyncIterator[httpx.AsyncClient]:
    # As codegen writes it: prefixed IDs, and one without the prefix (older presets).
    entries = {document_id(CATALOG): CATALOG, document_id(ME).removeprefix("sha256:"): ME,
               document_id(LOGOUT): LOGOUT}
    configured = dataclasses.replace(
        settings, trusted_documents=manifest(folder, entries), trusted_documents_only=only)
    application = create_app(configured, manage_database=False)
    async with serving(application) as client:
        yield client


@pytest.fixture
def sqlite_only(engine: str) -> None:
    if engine != "sqlite":
        pytest.skip("trusted documents do not depend on the database engine: run once, on SQLite")


async def test_a_trusted_document_runs_by_its_id_over_post(
    client, settings, tmp_path, inbox, sqlite_only,
):
    member = await signed_up(client, inbox)  # through the app without the switch
    async with served(settings, tmp_path, only=True) as client:
        for sent_id in (document_id(ME), document_id(ME).removeprefix("sha256:")):
            response = await client.post(
                "/graphql", json={"documentId": sent_id},
                headers={"Authorization": f"Bearer {member.access_token}"})
            assert response.status_code == 200
            assert response.json() == {"data": {"me": {"fullName": member.full_name,
                                                       "nationalId": member.national_id}}}


async def test_a_public_query_by_get_and_id_is_cacheable(app, settings, tmp_path, sqlite_only):
    async with served(settings, tmp_path, only=True) as client:
        response = await client.get("/graphql", params={
            "documentId": document_id(CATALOG), "variables": orjson.dumps({"named": True}).decode()},
            headers={"Accept-Language": "en"})
        assert response.status_code == 200
        services = response.json()["data"]["services"]
        assert {"type": "RETIREMENT_PENSION", "name": "Retirement pension"} in services
        assert response.headers["cache-control"] == "public, max-age=300"
        assert "Accept-Language" in [name.strip() for name in response.headers["vary"].split(",")]
        # A member's own data is never cacheable.
        private = await client.get("/graphql", params={"documentId": document_id(ME)})
        assert private.json() == {"data": {"me": None}}
        assert "cache-control" not in private.headers


async def test_a_mutation_by_get_and_id_is_refused(app, settings, tmp_path, sqlite_only):
    async with served(settings, tmp_path, only=True) as client:
        response = await client.get("/graphql", params={"documentId": document_id(LOGOUT)})
        assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")


@pytest.mark.parametrize(("language", "message"), [
    ("en", "No trusted document has this ID."),
    ("ar", "لا يوجد مستند موثوق بهذا المعرّف."),
])
async def test_an_unknown_id_is_persisted_document_not_found(
    app, settings, tmp_path, language, message, sqlite_only,
):
    async with served(settings, tmp_path, only=False) as client:
        unknown = document_id("query Other { __typename }")
        for response in (
            await client.post("/graphql", json={"documentId": unknown},
                              headers={"Accept-Language": language}),
            await client.get("/graphql", params={"documentId": unknown},
                             headers={"Accept-Language": language}),
        ):
            assert response.status_code == 200
            assert response.json() == {"data": None, "errors": [{
                "message": message, "extensions": {"code": "PERSISTED_DOCUMENT_NOT_FOUND"}}]}


async def test_only_trusted_documents_run_when_the_switch_is_on(app, settings, tmp_path, sqlite_only):
    other = "query Other { services { type } }"
    async with served(settings, tmp_path, only=True) as client:
        refused = await client.post("/graphql", json={"query": other},
                                    headers={"Accept-Language": "en"})
        assert refused.json() == {"data": None, "errors": [{
            "message": "Only the application's trusted documents run here: send a documentId.",
            "extensions": {"code": "TRUSTED_DOCUMENT_REQUIRED"}}]}
        # The text of a trusted document is that document.
        same_text = await client.post("/graphql", json={"query": CATALOG,
                                                         "variables": {"named": False}})
        assert {"type": "RETIREMENT_PENSION"} in same_text.json()["data"]["services"]
    async with served(settings, tmp_path, only=False) as client:
        assert (await client.post("/graphql", json={"query": other})).json()["data"]["services"]


@pytest.mark.parametrize(("entries", "complaint"), [
    ({document_id(CATALOG): ME}, "is not the SHA-256 of its document"),
    ({document_id("{ nothing }"): "{ nothing }"}, "does not fit the schema"),
    ([CATALOG], "must map document IDs to document texts"),
])
def test_a_bad_manifest_keeps_the_server_from_starting(settings, tmp_path, entries, complaint):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(ConfigurationError, match=complaint):
        create_app(dataclasses.replace(settings, trusted_documents=str(path)),
                   manage_database=False)


def test_only_trusted_documents_needs_the_manifest():
    with pytest.raises(ConfigurationError, match="TRUSTED_DOCUMENTS_ONLY needs TRUSTED_DOCUMENTS"):
        Settings.from_environ({"TRUSTED_DOCUMENTS_ONLY": "true"})
