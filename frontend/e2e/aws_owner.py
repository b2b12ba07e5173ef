#!/usr/bin/env python3
"""What an AWS account owner does outside Sluice, in moto, for the browser tests:

    aws_owner.py pivot-role ACCOUNT TEMPLATE_FILE
        deploy the pivot-role template: creates its stack, or updates it with the new template
    aws_owner.py glue-tables ACCOUNT DATABASE BUCKET NAME...   put tables in a Glue database
    aws_owner.py import-resources ACCOUNT BUCKET DATABASE ALIAS
        a bucket, a Glue database and a KMS key with that alias (no `alias/`), to import
    aws_owner.py drop-glue-database ACCOUNT DATABASE     delete a Glue database (a table sync then fails)
    aws_owner.py glue-database ACCOUNT DATABASE          create a Glue database (after dropping it)
    aws_owner.py iam-role ACCOUNT NAME                   an IAM role, to bring as a consumption role

Environment: MOTO_URL, AWS_REGION (default eu-west-1).
"""

import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

PIVOT_STACK = "sluice-pivot-role"


def client(account, service):
    moto = os.environ["MOTO_URL"]
    region = os.environ.get("AWS_REGION", "eu-west-1")
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    sts = boto3.client("sts", endpoint_url=moto, region_name=region, **keys)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/account-owner", RoleSessionName="e2e")["Credentials"]
    return boto3.client(
        service,
        endpoint_url=moto,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def deploy_pivot_role(account, template):
    cfn = client(account, "cloudformation")
    try:
        cfn.describe_stacks(StackName=PIVOT_STACK)
    except ClientError:
        cfn.create_stack(StackName=PIVOT_STACK, TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
        return
    cfn.update_stack(StackName=PIVOT_STACK, TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
    # AWS puts the template's tags on the role at the update; moto keeps the role's old ones
    # (its IAM role takes only a description from an update). So the template's own role tags
    # are applied here, as the update would have.
    roles = [r["PhysicalResourceId"] for r in cfn.describe_stack_resources(StackName=PIVOT_STACK)["StackResources"]
             if r["ResourceType"] == "AWS::IAM::Role"]
    tags = [t for r in json.loads(template)["Resources"].values() if r["Type"] == "AWS::IAM::Role"
            for t in r["Properties"].get("Tags", [])]
    iam = client(account, "iam")
    for role in roles:
        iam.tag_role(RoleName=role, Tags=tags)


def main(argv):
    if argv[:1] == ["pivot-role"] and len(argv) == 3:
        with open(argv[2]) as f:
            deploy_pivot_role(argv[1], f.read())
    elif argv[:1] == ["glue-tables"] and len(argv) >= 5:
        account, database, bucket, names = argv[1], argv[2], argv[3], argv[4:]
        glue = client(account, "glue")
        for name in names:
            glue.create_table(
                DatabaseName=database,
                TableInput={
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "StorageDescriptor": {
                        "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
                        "Location": f"s3://{bucket}/{name}/",
                    },
                    "Parameters": {"classification": "parquet"},
                },
            )
    elif argv[:1] == ["import-resources"] and len(argv) == 5:
        account, bucket, database, alias = argv[1:]
        region = os.environ.get("AWS_REGION", "eu-west-1")
        s3 = client(account, "s3")
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        kms = client(account, "kms")
        key = kms.create_key(Description=f"encrypts {bucket}")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        # The owner opens the key to Sluice's pivot role (docs/PIVOT_ROLE.md).
        pivot = os.environ.get("SLUICE_PIVOT_ROLE_NAME", "sluice-pivot-role")
        kms.tag_resource(KeyId=key, Tags=[{"TagKey": "sluice:pivot-role", "TagValue": pivot}])
        client(account, "glue").create_database(DatabaseInput={"Name": database})
    elif argv[:1] == ["drop-glue-database"] and len(argv) == 3:
        client(argv[1], "glue").delete_database(Name=argv[2])
    elif argv[:1] == ["glue-database"] and len(argv) == 3:
        client(argv[1], "glue").create_database(DatabaseInput={"Name": argv[2]})
    elif argv[:1] == ["iam-role"] and len(argv) == 3:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{argv[1]}:root"}, "Action": "sts:AssumeRole"}]}
        client(argv[1], "iam").create_role(RoleName=argv[2], AssumeRolePolicyDocument=json.dumps(trust))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
