"""What data.all's tests wait for (core/stack/utils.py, modules/shares/utils.py), and what an
account owner prepares in AWS before a team links or imports anything."""

import json
import os
import re
import secrets

import boto3

from .client import poller
from .queries import get_share_object, get_stack

# data.all polls every 10 s for up to 10 minutes against real CloudFormation; moto answers in
# seconds, so this suite polls every second for up to 3 minutes.
SLEEP = float(os.environ.get("DATAALL_POLL_SECONDS", "1"))
TIMEOUT = float(os.environ.get("DATAALL_POLL_TIMEOUT", "180"))


def is_stack_in_progress(stack):
    return re.match(r".*IN_PROGRESS|PENDING", stack.status, re.IGNORECASE)


@poller(check_success=is_stack_in_progress, timeout=TIMEOUT, sleep_time=SLEEP)
def check_stack_in_progress(client, env_uri, stack_uri, target_uri=None, target_type="environment"):
    return get_stack(client, env_uri, stack_uri, target_uri or env_uri, target_type)


@poller(check_success=lambda stack: not is_stack_in_progress(stack), timeout=TIMEOUT, sleep_time=SLEEP)
def check_stack_ready(client, env_uri, stack_uri, target_uri=None, target_type="environment"):
    return get_stack(client, env_uri, stack_uri, target_uri or env_uri, target_type)


def is_share_in_progress(share):
    return share.status in ["Share_In_Progress", "Revoke_In_Progress", "Approved", "Revoked"]


@poller(check_success=lambda share: not is_share_in_progress(share), timeout=TIMEOUT, sleep_time=SLEEP)
def check_share_ready(client, shareUri):
    return get_share_object(client, shareUri)


class Aws:
    """boto3 against the local AWS (moto), as the owner of one account: `make dev`'s moto lets
    anyone assume any role, which stands in for the owner signing in to their own account."""

    def __init__(self, account, region=None):
        self.account = account
        self.region = region or os.environ.get("AWS_REGION", "eu-west-1")
        self.endpoint = os.environ.get("MOTO_URL", "http://127.0.0.1:5055")
        sts = boto3.client(
            "sts",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/account-owner", RoleSessionName="owner")
        self.session = boto3.Session(
            aws_access_key_id=creds["Credentials"]["AccessKeyId"],
            aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
            aws_session_token=creds["Credentials"]["SessionToken"],
            region_name=self.region,
        )

    def client(self, service):
        return self.session.client(service, endpoint_url=self.endpoint)

    def deploy_pivot_role(self, name, trust_account, external_id):
        """The pivot role an account owner deploys before linking the account (data.all's
        pivotRole.yaml does the same through CloudFormation): trusts the platform's account with
        the organization's ExternalId."""
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{trust_account}:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        }
        self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))

    def create_bucket(self, bucket_name, kms_alias_name=None, pivot_role_name=None):
        """A bucket to import, encrypted with a new KMS key under `alias/<kms_alias_name>` when
        one is named (data.all's create_aws_imported_resources). Sluice's pivot role uses a key
        only when the owner tags it with the pivot role's name (docs/PIVOT_ROLE.md)."""
        s3 = self.client("s3")
        s3.create_bucket(Bucket=bucket_name, CreateBucketConfiguration={"LocationConstraint": self.region})
        if not kms_alias_name:
            return None
        kms = self.client("kms")
        tags = [{"TagKey": "sluice:pivot-role", "TagValue": pivot_role_name}] if pivot_role_name else []
        key_id = kms.create_key(Tags=tags)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{kms_alias_name}", TargetKeyId=key_id)
        s3.put_bucket_encryption(
            Bucket=bucket_name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": f"arn:aws:kms:{self.region}:{self.account}:key/{key_id}",
                        }
                    }
                ]
            },
        )
        return key_id

    def create_database(self, database_name, bucket):
        self.client("glue").create_database(
            DatabaseInput={"Name": database_name, "LocationUri": f"s3://{bucket}/"}
        )


def fresh_account():
    """A 12-digit account id no earlier run used, so the suite runs again and again against one
    long-lived moto (`make dev`'s)."""
    return "5" + "".join(secrets.choice("0123456789") for _ in range(11))
