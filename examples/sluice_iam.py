"""Signing Sluice requests with AWS credentials, for Python scripts that use `requests`.

Sluice accepts, in place of a token, a presigned sts:GetCallerIdentity request:

    Authorization: SluiceIAM <base64 of {"method", "url", "headers", "body" (base64)}>

signed for the STS endpoint and server id the server publishes at /auth/iam. A signature is
accepted once, so every request gets a new one (with a random X-Sluice-Nonce). botocore (which
comes with boto3) does the SigV4 signing; credentials come from the standard AWS chain.

    from sluice_iam import SluiceClient
    sluice = SluiceClient("https://sluice.example.com")
    data = sluice.gql("{ listOrganizations { count } }")
"""

import base64
import json
import secrets

import botocore.session
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

BODY = "Action=GetCallerIdentity&Version=2011-06-15"


class SluiceError(Exception):
    """A GraphQL error; `code` is its extensions.code (UNAUTHENTICATED, FORBIDDEN, ...)."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class SluiceClient:
    def __init__(self, url, session=None, timeout=60):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        params = self.http.get(f"{self.url}/auth/iam", timeout=timeout)
        params.raise_for_status()
        self.params = params.json()
        session = session or botocore.session.get_session()
        self.credentials = session.get_credentials()
        if self.credentials is None:
            raise SluiceError("UNAUTHENTICATED", "no AWS credentials found")

    def authorization(self):
        """A fresh `SluiceIAM ...` header value."""
        endpoint = self.params["stsEndpoint"]
        request = AWSRequest(
            method="POST",
            url=endpoint,
            data=BODY,
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                self.params["serverIdHeader"]: self.params["serverId"],
                "X-Sluice-Nonce": secrets.token_hex(16),
            },
        )
        # The body's hash as a signed header, so the server can compare body and signature.
        request.context["payload_signing_enabled"] = True
        request.headers["X-Amz-Content-Sha256"] = SigV4Auth(
            self.credentials.get_frozen_credentials(), "sts", self.params["region"]
        ).payload(request)
        SigV4Auth(self.credentials.get_frozen_credentials(), "sts", self.params["region"]).add_auth(request)
        signed = {
            "method": "POST",
            "url": request.url,
            "headers": {name: value for name, value in request.headers.items()},
            "body": base64.b64encode(BODY.encode()).decode(),
        }
        encoded = base64.b64encode(json.dumps(signed).encode()).decode()
        return f"{self.params['scheme']} {encoded}"

    def gql(self, query, variables=None):
        """Runs a GraphQL document and returns `data`; raises SluiceError on any error."""
        response = self.http.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": self.authorization()},
            timeout=self.timeout,
        )
        body = response.json()
        if body.get("errors"):
            error = body["errors"][0]
            raise SluiceError(error.get("extensions", {}).get("code", "ERROR"), error.get("message"))
        return body["data"]
