#!/usr/bin/env python3
"""Demo data for `make dev`, through the public API as a user would make it: alice's
organization with TeamB invited, a demo AWS account in moto linked as an environment (the
pivot-role template from Sluice is deployed there first, as an account owner would), and a
"Sales Orders" dataset whose Glue database a producer fills with three tables, then synced.

    python3 scripts/seed_demo.py http://127.0.0.1:8080

Idempotent: it does nothing when alice already sees an organization labelled "Demo Analytics".
Environment: MOTO_URL (default http://127.0.0.1:5055), AWS_REGION (default eu-west-1).
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

LABEL = "Demo Analytics"
DEMO_ACCOUNT = "111111111111"


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
    env = link_demo_account(url, token, org)
    dataset = publish_demo_dataset(url, token, env)
    make_demo_glossary(url, token, dataset)


def make_demo_glossary(url, token, dataset):
    node = "{ nodeUri }"
    glossary = gql(
        url,
        token,
        "mutation($i: CreateGlossaryInput) { createGlossary(input: $i) " + node + " }",
        {"i": {"label": "Business terms", "readme": "What the business means by the words in its data.", "admin": "TeamA"}},
    )["createGlossary"]["nodeUri"]
    category = gql(
        url,
        token,
        "mutation($p: String!, $i: CreateCategoryInput) { createCategory(parentUri: $p, input: $i) " + node + " }",
        {"p": glossary, "i": {"label": "Customers", "readme": "People and companies who buy from us."}},
    )["createCategory"]["nodeUri"]
    terms = {}
    for parent, label, readme in [
        (category, "Customer churn", "Customers who stopped buying in the last 90 days."),
        (glossary, "Revenue", "Money from orders, net of refunds."),
    ]:
        terms[label] = gql(
            url,
            token,
            "mutation($p: String!, $i: CreateTermInput) { createTerm(parentUri: $p, input: $i) " + node + " }",
            {"p": parent, "i": {"label": label, "readme": readme}},
        )["createTerm"]["nodeUri"]
    gql(
        url,
        token,
        "mutation($d: String!, $t: [String]) { updateDataset(datasetUri: $d, input: {terms: $t}) { datasetUri } }",
        {"d": dataset, "t": [terms["Revenue"]]},
    )
    print("seed_demo: created the glossary Business terms (TeamA); Sales Orders carries the term Revenue")


def owner_client(service):
    """A boto3 client acting as the demo account's owner, in moto."""
    import boto3

    moto = os.environ.get("MOTO_URL", "http://127.0.0.1:5055")
    region = os.environ.get("AWS_REGION", "eu-west-1")
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    sts = boto3.client("sts", endpoint_url=moto, region_name=region, **keys)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{DEMO_ACCOUNT}:role/account-owner", RoleSessionName="demo")[
        "Credentials"
    ]
    return boto3.client(
        service,
        endpoint_url=moto,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def wait_for_task(url, token, task_uri, what, limit=120):
    """Polls the task until it ends; exits with its error if it failed."""
    deadline = time.time() + limit
    while time.time() < deadline:
        task = gql(url, token, "query($t: String!) { getTask(taskUri: $t) { status lastError } }", {"t": task_uri})[
            "getTask"
        ]
        if task["status"] == "succeeded":
            return
        if task["status"] == "failed":
            sys.exit(f"seed_demo: {what} failed: {task['lastError']}")
        time.sleep(1)
    sys.exit(f"seed_demo: {what} (task {task_uri}) did not finish within {limit} s")


def link_demo_account(url, token, org):
    """Deploys the pivot role into the demo account in moto, then links it."""
    region = os.environ.get("AWS_REGION", "eu-west-1")
    # Every key is open to stack tags: moto's demo account has no policy that reads tags.
    template = gql(
        url,
        token,
        "query($o: String!) { getPivotRoleTemplate(organizationUri: $o, stackTagKeys: \"*\") }",
        {"o": org},
    )["getPivotRoleTemplate"]
    cfn = owner_client("cloudformation")
    cfn.create_stack(StackName="sluice-pivot-role", TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
    env = gql(
        url,
        token,
        "mutation($i: NewEnvironmentInput!) { createEnvironment(input: $i) { environmentUri stack { taskUri } } }",
        {
            "i": {
                "label": "Demo Lake",
                "organizationUri": org,
                "SamlGroupName": "TeamA",
                "AwsAccountId": DEMO_ACCOUNT,
                "region": region,
                "description": "A moto account linked by make dev",
            }
        },
    )["createEnvironment"]
    print(
        f"seed_demo: linked account {DEMO_ACCOUNT}/{region} as environment {env['environmentUri']};"
        f" its stack deploys as task {env['stack']['taskUri']}"
    )
    return env["environmentUri"]


def publish_demo_dataset(url, token, env):
    """TeamA's dataset, deployed; three tables put in its Glue database, then synced."""
    dataset = gql(
        url,
        token,
        "mutation($i: NewDatasetInput!) { createDataset(input: $i) { datasetUri stack { taskUri } } }",
        {
            "i": {
                "label": "Sales Orders",
                "environmentUri": env,
                "SamlAdminGroupName": "TeamA",
                "description": "Orders, customers and refunds, synced from Glue",
                "topics": ["Sales", "Orders"],
                "tags": ["demo"],
                "confidentiality": "Official",
            }
        },
    )["createDataset"]
    uri = dataset["datasetUri"]
    wait_for_task(url, token, dataset["stack"]["taskUri"], "the demo dataset's stack deploy")
    restricted = gql(
        url, token, "query($d: String!) { getDataset(datasetUri: $d) { restricted { GlueDatabaseName S3BucketName } } }", {"d": uri}
    )["getDataset"]["restricted"]
    glue = owner_client("glue")
    for name, columns in {
        "orders": [("order_id", "bigint"), ("customer_id", "bigint"), ("amount", "decimal(10,2)")],
        "customers": [("customer_id", "bigint"), ("name", "string"), ("country", "string")],
        "refunds": [("refund_id", "bigint"), ("order_id", "bigint"), ("reason", "string")],
    }.items():
        glue.create_table(
            DatabaseName=restricted["GlueDatabaseName"],
            TableInput={
                "Name": name,
                "TableType": "EXTERNAL_TABLE",
                "StorageDescriptor": {
                    "Columns": [{"Name": c, "Type": t} for c, t in columns],
                    "Location": f"s3://{restricted['S3BucketName']}/{name}/",
                },
                "PartitionKeys": [{"Name": "day", "Type": "date"}],
                "Parameters": {"classification": "parquet"},
            },
        )
    gql(url, token, "mutation($d: String!) { syncTables(datasetUri: $d) }", {"d": uri})
    print(f"seed_demo: published dataset Sales Orders ({uri}) with 3 Glue tables; their sync is queued")
    return uri


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
