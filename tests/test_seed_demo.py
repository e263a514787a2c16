"""`server.py seed-demo` on a fresh SQLite database, then the printed accounts used as a frontend
team would use them: signed in over HTTP against a real server on that database."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx

from tests.conftest import ROOT
from tests.servers import running_servers

LOGIN = """mutation L($input: LoginInput!) { login(input: $input) { session { accessToken } errors { code } } }"""
ME = """query { me { role insuranceRecord { regime periods(first: 5) { totalCount } }
  requests(first: 20) { edges { node { status documents { kind } } } }
  questions(first: 5) { totalCount } notifications(first: 20) { totalCount } } }"""
ALL_REQUESTS = """query { requests(first: 50) { edges { node { status decisionLetter { verificationCode } } } } }"""
ACCOUNT = re.compile(r"^  (\d{10})  (\S+)\s+.+ \((\w+)\)$", re.MULTILINE)


def seed(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "server.py", "seed-demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def post(url: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables or {}},
                          headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_seed_demo_fills_a_fresh_database_whose_printed_accounts_sign_in(tmp_path):
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}",
           "DOCUMENT_STORE_URL": f"file://{tmp_path / 'documents'}", "SMTP_HOST": "", "SMS_WEBHOOK_URL": ""}
    env.pop("REDIS_URL", None)
    seeded = seed(env)
    assert seeded.returncode == 0, seeded.stderr
    accounts = {regime: (national_id, password) for national_id, password, regime
                in ACCOUNT.findall(seeded.stdout)}
    assert set(accounts) == {"staff", "PREVIOUS_LAW", "TRANSITIONAL", "LAW_2024"}, seeded.stdout
    again = seed(env)
    assert again.returncode == 0 and "already" in again.stdout

    with running_servers(1, env, tmp_path) as (url,):
        statuses: set[str] = set()
        questions = notices = 0
        for regime in ("PREVIOUS_LAW", "TRANSITIONAL", "LAW_2024"):
            national_id, password = accounts[regime]
            login = post(url, LOGIN, {"input": {"nationalId": national_id, "password": password}})
            assert login["data"]["login"]["errors"] == [], login
            me = post(url, ME, token=login["data"]["login"]["session"]["accessToken"])["data"]["me"]
            assert me["insuranceRecord"]["regime"] == regime
            assert me["insuranceRecord"]["periods"]["totalCount"] >= 1
            requests = [edge["node"] for edge in me["requests"]["edges"]]
            assert all(request["documents"] for request in requests)
            statuses |= {request["status"] for request in requests}
            questions += me["questions"]["totalCount"]
            notices += me["notifications"]["totalCount"]
        assert statuses == {"SUBMITTED", "UNDER_REVIEW", "NEEDS_INFORMATION", "APPROVED", "REJECTED",
                            "CANCELLED"}
        assert questions >= 2 and notices >= 5

        national_id, password = accounts["staff"]
        login = post(url, LOGIN, {"input": {"nationalId": national_id, "password": password}})
        token = login["data"]["login"]["session"]["accessToken"]
        answer = post(url, ALL_REQUESTS, token=token)
        assert answer.get("data"), answer
        desk = answer["data"]["requests"]["edges"]
        decided = [edge["node"] for edge in desk if edge["node"]["status"] in {"APPROVED", "REJECTED"}]
        assert decided and all(request["decisionLetter"] for request in decided)


def test_seed_demo_refuses_to_run_in_production(tmp_path, signing_pair):
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "k" * 40,
           "SIGNING_KEY_FILE": str(signing_pair[0]), "SIGNING_CERT_FILE": str(signing_pair[1]),
           "DATABASE_URL": f"sqlite://{tmp_path / 'production.sqlite3'}",
           "SMTP_HOST": "127.0.0.1", "SMS_WEBHOOK_URL": "http://127.0.0.1:9/sms"}
    refused = seed(env)
    assert refused.returncode == 2
    assert "refuses to run with APP_ENV=production" in refused.stderr
    assert not (tmp_path / "production.sqlite3").exists()
