#!/usr/bin/env python3
"""Demo data for `make dev`: alice's organization with TeamB invited, through the public API.

    python3 scripts/seed_demo.py http://127.0.0.1:8080

Idempotent: it does nothing when alice already sees an organization labelled "Demo Analytics".
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

LABEL = "Demo Analytics"


def gql(url, token, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(
        f"{url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        answer = json.load(resp)
    if answer.get("errors"):
        sys.exit(f"seed_demo: {answer['errors'][0].get('message')}")
    return answer["data"]


def main(url):
    script = Path(__file__).with_name("local_cognito.py")
    token = subprocess.run(
        [sys.executable, str(script), "token", "alice"], check=True, capture_output=True, text=True
    ).stdout.strip()
    found = gql(url, token, "query($t: String) { listOrganizations(filter: {term: $t}) { count } }", {"t": LABEL})
    if found["listOrganizations"]["count"]:
        print(f"seed_demo: {LABEL} exists already")
        return
    org = gql(
        url,
        token,
        "mutation($i: NewOrganizationInput) { createOrganization(input: $i) { organizationUri } }",
        {"i": {"label": LABEL, "SamlGroupName": "TeamA", "description": "Demo data from make dev", "tags": ["demo"]}},
    )["createOrganization"]["organizationUri"]
    gql(
        url,
        token,
        "mutation($i: InviteGroupToOrganizationInput!) { inviteGroupToOrganization(input: $i) { organizationUri } }",
        {"i": {"organizationUri": org, "groupUri": "TeamB"}},
    )
    print(f"seed_demo: created {LABEL} ({org}), admin team TeamA, TeamB invited")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
