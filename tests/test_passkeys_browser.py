"""One real browser: Debian's Chromium, driven by Playwright, registers a passkey on its
DevTools virtual authenticator and signs in with it, on a page from http://localhost:PORT."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
from pathlib import Path

import pytest
import uvicorn

from schema.http.app import create_app
from tests.conftest import ONCE, free_port
from tests.support import signed_up

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE = (Path(__file__).parent / "browser" / "passkey.html").read_text(encoding="utf-8")


def chromium_or_skip() -> None:
    if not os.path.exists(CHROMIUM):
        message = "chromium is not installed (apt-get install -y chromium): the browser passkey test was skipped"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI requires it)")
        pytest.skip(message)


@ONCE
async def test_a_real_browser_registers_a_passkey_and_signs_in_with_it(
    client, inbox, settings, engine
):
    chromium_or_skip()
    from playwright.async_api import async_playwright

    port = free_port()
    origin = f"http://localhost:{port}"
    person = await signed_up(client, inbox)
    app = create_app(dataclasses.replace(settings, webauthn_allowed_origins=(origin,)),
                     manage_database=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           lifespan="on"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=["--no-sandbox"])
            page = await browser.new_page()
            await page.route(f"{origin}/", lambda route: route.fulfill(
                status=200, content_type="text/html", body=PAGE))
            await page.goto(f"{origin}/")
            devtools = await page.context.new_cdp_session(page)
            await devtools.send("WebAuthn.enable")
            await devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
                "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                "hasUserVerification": True, "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }})
            registered = await page.evaluate("([token]) => registerPasskey(token, 'Chromium')",
                                             [person.access_token])
            assert registered == {"passkey": {"name": "Chromium"}, "errors": []}
            signed_in = await page.evaluate("() => signInWithPasskey()")
            assert signed_in["errors"] == []
            assert signed_in["member"]["nationalId"] == person.national_id
            assert signed_in["session"]["accessToken"]
            await browser.close()
    finally:
        server.should_exit = True
        await serving
