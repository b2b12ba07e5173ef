"""data.all's observable behaviour, asked of Sluice in data.all's own documents.

In the manner of data.all's integration tests (tests_new/integration_tests): session resources
made once (an organization, a linked environment, datasets whose stacks are ready), then small
tests, and refusals matched as data.all's tests match them: the error's text contains
`UnauthorizedOperation`, the permission's name and the resource's URI.

Users (docs in README.md): client1 of group1 administers everything made here; client2 of group2
is invited to the organization and to the environment with every permission an inviter may give;
client3 of group3 is in neither; client_tenant is a platform admin; client_no_tenant's group4 has
its tenant permissions taken away by the suite.
"""

import json
import os
import secrets
import unittest

import boto3

from . import queries as q
from .client import Client, GqlError, poller
from .utils import (
    SLEEP,
    TIMEOUT,
    Aws,
    check_share_ready,
    check_stack_in_progress,
    check_stack_ready,
    fresh_account,
)

ENDPOINT = os.environ.get("API_ENDPOINT", "http://127.0.0.1:8080")
SESSION_ID = "dallc" + secrets.token_hex(3)


def user(name):
    prefix = f"DATAALL_{name.upper()}"
    try:
        return Client(
            ENDPOINT,
            os.environ.get(f"{prefix}_USER", name),
            os.environ[f"{prefix}_TOKEN"],
            os.environ.get(f"{prefix}_GROUP"),
        )
    except KeyError:
        raise SystemExit(f"set {prefix}_TOKEN (and {prefix}_GROUP): see examples/dataall_client/README.md") from None


class S:
    """The session's resources, made once by setUpModule (data.all's session fixtures)."""


def setUpModule():
    S.client1, S.client2, S.client3 = user("client1"), user("client2"), user("client3")
    S.client_tenant, S.client_no_tenant = user("client_tenant"), user("client_no_tenant")
    S.group1, S.group2, S.group3 = S.client1.group, S.client2.group, S.client3.group
    S.group4 = S.client_no_tenant.group
    # group4 signs in first: a team's first sign-in gives it every tenant permission, which the
    # organization test then takes away.
    q.list_organizations(S.client_no_tenant)

    # The organization, with group2 invited (data.all's org1 and its invited team).
    S.org = q.create_organization(S.client1, f"organization1 {SESSION_ID}", S.group1, tags=[SESSION_ID])
    q.invite_team_to_organization(S.client1, S.org.organizationUri, S.group2)

    # An account whose owner deployed the pivot role, linked as an environment.
    S.aws = Aws(fresh_account())
    org_uri = S.org.organizationUri
    S.aws.deploy_pivot_role(
        q.get_pivot_role_name(S.client1, org_uri),
        q.get_trust_account(S.client1, org_uri),
        q.get_pivot_role_external_id(S.client1, org_uri),
    )
    env = q.create_environment(
        S.client1, f"session_env1 {SESSION_ID}", S.group1, org_uri, S.aws.account, S.aws.region, tags=[SESSION_ID]
    )
    check_stack_ready(S.client1, env.environmentUri, env.stack.stackUri)
    S.env = q.get_environment(S.client1, env.environmentUri)

    # group2 is invited with every permission the web client offers an inviter.
    S.every_permission = [p.name for p in q.list_environment_group_invitation_permissions(S.client1)]
    q.invite_group_on_env(S.client1, S.env.environmentUri, S.group2, S.every_permission)

    # A dataset, created and deployed (data.all's create_s3_dataset).
    S.dataset = create_s3_dataset(S.client1, f"session_s3_dataset1 {SESSION_ID}")


def create_s3_dataset(client, name):
    dataset = q.create_dataset(
        client,
        name=name,
        owner="someone",
        group=client.group,
        organizationUri=S.org.organizationUri,
        environmentUri=S.env.environmentUri,
        tags=[SESSION_ID],
        confidentiality="Unclassified",
    )
    check_stack_ready(
        client=client,
        env_uri=S.env.environmentUri,
        stack_uri=dataset.stack.stackUri,
        target_uri=dataset.datasetUri,
        target_type="dataset",
    )
    return q.get_dataset(client, dataset.datasetUri)


def import_s3_dataset(client, name, bucket, kms_alias="", glue_db_name=""):
    """data.all's import_s3_dataset, but for its wait: data.all deploys a dataset stack for an
    import too (the dataset's roles and policies) and its clients wait for `stack` to be
    ready. Sluice deploys none for an import (`stack` is null), so that wait is left out here
    and the Glue database is looked for in AWS instead (docs/COMPATIBILITY.md)."""
    dataset = q.import_dataset(
        client,
        name=name,
        owner="someone",
        group=client.group,
        organizationUri=S.org.organizationUri,
        environmentUri=S.env.environmentUri,
        tags=[SESSION_ID],
        bucketName=bucket,
        KmsKeyAlias=kms_alias,
        glueDatabaseName=glue_db_name,
    )
    return q.get_dataset(client, dataset.datasetUri)


@poller(check_success=lambda found: found is not None, timeout=TIMEOUT, sleep_time=SLEEP)
def glue_database(name):
    try:
        return S.aws.client("glue").get_database(Name=name)["Database"]
    except S.aws.client("glue").exceptions.EntityNotFoundException:
        return None


class DataallTestCase(unittest.TestCase):
    maxDiff = None

    def assertRefused(self, call, *args, contains=(), **kwargs):
        """data.all's `assert_that(call).raises(GqlError).when_called_with(...).contains(...)`:
        the error's text contains every word."""
        with self.assertRaises(GqlError) as raised:
            call(*args, **kwargs)
        text = str(raised.exception)
        for word in contains:
            self.assertIn(word, text)
        return text


class Test1Organizations(DataallTestCase):
    def test_create_organization_with_team_with_permissions(self):
        self.assertEqual(len(S.org.organizationUri), 8)
        self.assertEqual(S.org.SamlGroupName, S.group1)

    def test_create_organization_with_unauthorized_team(self):
        # The platform admin takes every tenant permission away from group4.
        self.assertTrue(q.update_group_tenant_permissions(S.client_tenant, S.group4, []))
        self.assertRefused(
            q.create_organization,
            S.client_no_tenant,
            "organization2",
            S.group4,
            contains=("UnauthorizedOperation", "MANAGE_ORGANIZATIONS"),
        )

    def test_get_organization_with_admin_team(self):
        response = q.get_organization(S.client1, S.org.organizationUri)
        self.assertEqual(response.organizationUri, S.org.organizationUri)
        self.assertEqual(response.owner, S.org.owner)
        self.assertEqual(response.userRoleInOrganization, "Owner")

    def test_get_organization_with_invited_team(self):
        response = q.get_organization(S.client2, S.org.organizationUri)
        self.assertEqual(response.userRoleInOrganization, "Invited")
        self.assertEqual(response.stats.groups, 2)

    def test_get_organization_with_unauthorized_team(self):
        self.assertRefused(
            q.get_organization,
            S.client3,
            S.org.organizationUri,
            contains=("UnauthorizedOperation", "GET_ORGANIZATION", S.org.organizationUri),
        )

    def test_list_organizations(self):
        self.assertEqual(q.list_organizations(S.client1, term=SESSION_ID).count, 1)
        self.assertEqual(q.list_organizations(S.client2, term=SESSION_ID).count, 1)
        self.assertEqual(q.list_organizations(S.client3, term=SESSION_ID).count, 0)

    def test_update_organization_by_invited_team(self):
        self.assertRefused(
            q.update_organization,
            S.client2,
            S.org.organizationUri,
            contains=("UnauthorizedOperation", "UPDATE_ORGANIZATION", S.org.organizationUri),
        )

    def test_invite_team_by_invited_team(self):
        self.assertRefused(
            q.invite_team_to_organization,
            S.client2,
            S.org.organizationUri,
            S.group3,
            contains=("UnauthorizedOperation", "INVITE_ORGANIZATION_GROUP", S.org.organizationUri),
        )

    def test_archive_organization_unauthorized(self):
        self.assertRefused(
            q.archive_organization,
            S.client3,
            S.org.organizationUri,
            contains=("UnauthorizedOperation", "DELETE_ORGANIZATION", S.org.organizationUri),
        )

    def test_list_tenant_permissions(self):
        names = [p.name for p in q.list_tenant_permissions(S.client_tenant)]
        self.assertGreaterEqual(len(names), 3)
        self.assertNotIn(None, names)
        self.assertRefused(
            q.list_tenant_permissions, S.client1, contains=("UnauthorizedOperation", "LIST_TENANT_TEAM_PERMISSIONS")
        )

    def test_list_tenant_groups(self):
        groups = q.list_tenant_groups(S.client_tenant)
        self.assertGreaterEqual(groups.count, 1)
        self.assertIn("tenantPermissions", groups.nodes[0])
        self.assertRefused(q.list_tenant_groups, S.client1, contains=("UnauthorizedOperation", "LIST_TENANT_TEAMS"))


class Test2Environments(DataallTestCase):
    def test_create_env(self):
        self.assertIn(S.env.stack.status, ("CREATE_COMPLETE", "UPDATE_COMPLETE"))
        self.assertEqual(S.env.AwsAccountId, S.aws.account)
        self.assertEqual(S.env.userRoleInEnvironment, "Owner")

    def test_invited_team_holds_every_permission(self):
        # Every permission data.all lets an inviter give, and data.all's four besides the
        # defaults: UPDATE_ENVIRONMENT, CREDENTIALS_ENVIRONMENT, LIST_ENVIRONMENT_SHARED_WITH_OBJECTS
        # and GET_ENVIRONMENT.
        for name in (
            "UPDATE_ENVIRONMENT",
            "CREDENTIALS_ENVIRONMENT",
            "LIST_ENVIRONMENT_SHARED_WITH_OBJECTS",
            "GET_ENVIRONMENT",
            "CREATE_DATASET",
            "CREATE_SHARE_OBJECT",
        ):
            self.assertIn(name, S.every_permission)
        teams = q.list_all_environment_groups(S.client1, S.env.environmentUri).nodes
        invited = next(t for t in teams if t.groupUri == S.group2)
        held = {p.name for p in invited.environmentPermissions}
        self.assertLessEqual(set(S.every_permission), held)
        self.assertEqual(q.get_environment(S.client2, S.env.environmentUri).userRoleInEnvironment, "Invited")

    def test_modify_env_by_invited_team_with_update_permission(self):
        description = f"updated by the invited team {SESSION_ID}"
        updated = q.update_environment(S.client2, S.env.environmentUri, {"description": description})
        self.assertEqual(updated.description, description)

    def test_modify_env_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.update_environment, S.client3, env_uri, {"description": "unauthorized"},
            contains=("UnauthorizedOperation", env_uri),
        )
        self.assertNotEqual(q.get_environment(S.client1, env_uri).description, "unauthorized")

    def test_list_envs(self):
        self.assertEqual(len(q.list_environments(S.client1, term=SESSION_ID).nodes), 1)
        self.assertEqual(len(q.list_environments(S.client2, term=SESSION_ID).nodes), 1)
        self.assertEqual(len(q.list_environments(S.client3, term=SESSION_ID).nodes), 0)

    def test_get_environment_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.get_environment, S.client3, env_uri, contains=("UnauthorizedOperation", "GET_ENVIRONMENT", env_uri)
        )

    def test_invite_group_on_env_no_org(self):
        self.assertRefused(
            q.invite_group_on_env,
            S.client1,
            S.env.environmentUri,
            S.group3,
            ["CREATE_DATASET"],
            contains=(S.group3, "is not a member of the organization"),
        )

    def test_invite_group_on_env_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.invite_group_on_env,
            S.client3,
            env_uri,
            S.group3,
            ["CREATE_DATASET"],
            contains=("UnauthorizedOperation", "INVITE_ENVIRONMENT_GROUP", env_uri),
        )

    def test_add_consumption_role_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.add_consumption_role,
            S.client3,
            env_uri,
            S.group1,
            "TestConsumptionRole",
            f"arn:aws:iam::{S.aws.account}:role/Admin",
            contains=("UnauthorizedOperation", "ADD_ENVIRONMENT_CONSUMPTION_ROLES", env_uri),
        )

    def test_get_stack_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.get_stack, S.client3, env_uri, S.env.stack.stackUri, env_uri, "environment",
            contains=("UnauthorizedOperation", "GET_ENVIRONMENT", env_uri),
        )

    def test_update_stack_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.update_stack, S.client3, env_uri, "environment",
            contains=("UnauthorizedOperation", "UPDATE_ENVIRONMENT", env_uri),
        )

    def test_update_env_stack(self):
        # data.all's update_env_stack: wait until ready, update, see it in progress, wait again.
        env_uri, stack_uri = S.env.environmentUri, S.env.stack.stackUri
        check_stack_ready(S.client1, env_uri, stack_uri)
        q.update_stack(S.client1, env_uri, "environment")
        check_stack_in_progress(S.client1, env_uri, stack_uri)
        stack = check_stack_ready(S.client1, env_uri, stack_uri)
        self.assertEqual(stack.status, "UPDATE_COMPLETE")


class Test3Datasets(DataallTestCase):
    def test_create_s3_dataset(self):
        self.assertIn(S.dataset.stack.status, ("CREATE_COMPLETE", "UPDATE_COMPLETE"))
        self.assertFalse(S.dataset.imported)
        self.assertEqual(S.dataset.SamlAdminGroupName, S.group1)
        self.assertEqual(S.dataset.userRoleForDataset, "Creator")
        self.assertTrue(S.dataset.restricted.S3BucketName)
        self.assertTrue(S.dataset.restricted.GlueDatabaseName)

    def test_import_dataset_with_glue_database(self):
        bucket, database = f"{SESSION_ID}-imported-db", f"{SESSION_ID}_imported_db"
        S.aws.create_bucket(bucket, kms_alias_name=f"{SESSION_ID}-db", pivot_role_name=self.pivot_role())
        S.aws.create_database(database, bucket)
        dataset = import_s3_dataset(
            S.client1, f"imported with database {SESSION_ID}", bucket, kms_alias=f"{SESSION_ID}-db", glue_db_name=database
        )
        self.assertTrue(dataset.imported)
        self.assertEqual(dataset.restricted.S3BucketName, bucket)
        self.assertEqual(dataset.restricted.GlueDatabaseName, database)

    def test_import_dataset_without_glue_database(self):
        # data.all's import_dataset sends glueDatabaseName '' when none is named, and data.all
        # makes the database for the import.
        bucket = f"{SESSION_ID}-imported-nodb"
        S.aws.create_bucket(bucket, kms_alias_name=f"{SESSION_ID}-nodb", pivot_role_name=self.pivot_role())
        dataset = import_s3_dataset(S.client1, f"imported without database {SESSION_ID}", bucket, kms_alias=f"{SESSION_ID}-nodb")
        self.assertTrue(dataset.imported)
        self.assertEqual(dataset.restricted.S3BucketName, bucket)
        database = dataset.restricted.GlueDatabaseName
        self.assertTrue(database)
        self.assertEqual(glue_database(database)["Name"], database)

    def pivot_role(self):
        return q.get_pivot_role_name(S.client1, S.org.organizationUri)

    def test_create_dataset_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.create_dataset,
            S.client3,
            name="unauthorized",
            owner="someone",
            group=S.group3,
            organizationUri=S.org.organizationUri,
            environmentUri=env_uri,
            tags=["unauth"],
            contains=("UnauthorizedOperation", "CREATE_DATASET", env_uri),
        )

    def test_modify_dataset(self):
        description = f"a test description {SESSION_ID}"
        updated = q.update_dataset(S.client1, S.dataset.datasetUri, {"description": description})
        self.assertEqual(updated.description, description)

    def test_modify_dataset_unauthorized(self):
        dataset_uri = S.dataset.datasetUri
        for client in (S.client2, S.client3):
            self.assertRefused(
                q.update_dataset,
                client,
                dataset_uri,
                {"description": "unauthorized", "KmsAlias": S.dataset.restricted.KmsAlias},
                contains=("UnauthorizedOperation", dataset_uri),
            )
        self.assertNotEqual(q.get_dataset(S.client1, dataset_uri).description, "unauthorized")

    def test_delete_dataset_unauthorized(self):
        dataset_uri = S.dataset.datasetUri
        self.assertRefused(
            q.delete_dataset, S.client2, dataset_uri, contains=("UnauthorizedOperation", dataset_uri)
        )

    def test_generate_dataset_access_token_unauthorized(self):
        dataset_uri = S.dataset.datasetUri
        self.assertRefused(
            q.generate_dataset_access_token,
            S.client2,
            dataset_uri,
            contains=("UnauthorizedOperation", "CREDENTIALS_DATASET", dataset_uri),
        )

    def test_create_folder_unauthorized(self):
        dataset_uri = S.dataset.datasetUri
        self.assertRefused(
            q.create_folder,
            S.client2,
            dataset_uri,
            {"prefix": "badFolder", "label": "badFolder"},
            contains=("UnauthorizedOperation", "CREATE_DATASET_FOLDER", dataset_uri),
        )


def create_tables(client, dataset):
    """data.all's create_tables: the dataset's admin role's credentials, from
    generateDatasetAccessToken, put a file and a Glue table in the dataset; then syncTables."""
    creds = json.loads(q.generate_dataset_access_token(client, dataset.datasetUri))
    session = boto3.Session(
        aws_access_key_id=creds["AccessKey"],
        aws_secret_access_key=creds["SessionKey"],
        aws_session_token=creds["sessionToken"],
        region_name=dataset.restricted.region,
    )
    s3, glue = session.client("s3", endpoint_url=S.aws.endpoint), session.client("glue", endpoint_url=S.aws.endpoint)
    bucket = dataset.restricted.S3BucketName
    for name in ("integrationtest1", "integrationtest2"):
        s3.put_object(Bucket=bucket, Key=f"{name}/csv_sample.csv", Body=b"column1,column2\n1,value\n")
        glue.create_table(
            DatabaseName=dataset.restricted.GlueDatabaseName,
            TableInput={
                "Name": name,
                "StorageDescriptor": {
                    "Columns": [{"Name": "column1", "Type": "int"}, {"Name": "column2", "Type": "string"}],
                    "Location": f"s3://{bucket}/{name}/",
                },
                "TableType": "EXTERNAL_TABLE",
            },
        )
    q.sync_tables(client, datasetUri=dataset.datasetUri)
    return synced_tables(client, dataset.datasetUri)


# data.all's syncTables reads Glue before it answers, and its create_tables lists the tables
# right after. Sluice's queues the sync and answers at once (docs/COMPATIBILITY.md), so the
# list is polled until the sync has brought both tables in.
@poller(check_success=lambda tables: len(tables) == 2, timeout=TIMEOUT, sleep_time=SLEEP)
def synced_tables(client, dataset_uri):
    tables = q.list_dataset_tables(client, datasetUri=dataset_uri).tables.nodes
    return [t for t in tables if t.restricted.GlueTableName.startswith("integrationtest")]


class Test4Shares(DataallTestCase):
    @classmethod
    def setUpClass(cls):
        # The dataset gets two tables and two folders, as data.all's session_s3_dataset1 does.
        cls.tables = create_tables(S.client1, S.dataset)
        cls.folders = [
            q.create_folder(S.client1, S.dataset.datasetUri, {"prefix": f"sessionFolder{x}", "label": f"labelSessionFolder{x}"})
            for x in "AB"
        ]

    def new_share(self):
        return q.create_share_object(
            S.client2,
            dataset_or_item_params={"datasetUri": S.dataset.datasetUri},
            environmentUri=S.env.environmentUri,
            groupUri=S.group2,
            principalId=S.group2,
            principalType="Group",
            requestPurpose="test create share object",
            attachMissingPolicies=True,
            permissions=["Read"],
        )

    def test_tables_and_folders(self):
        self.assertEqual(len(self.tables), 2)
        self.assertEqual(len(self.folders), 2)

    def test_create_share_request_unauthorized(self):
        env_uri = S.env.environmentUri
        self.assertRefused(
            q.create_share_object,
            S.client3,
            dataset_or_item_params={"datasetUri": S.dataset.datasetUri},
            environmentUri=env_uri,
            groupUri=S.group3,
            principalId=S.group3,
            principalType="Group",
            permissions=["Read"],
            contains=("UnauthorizedOperation", "CREATE_SHARE_OBJECT", env_uri),
        )

    def test_share_lifecycle(self):
        share = self.new_share()
        self.assertEqual(share.status, "Draft")
        share_uri = share.shareUri

        # An empty request is refused as data.all refuses it.
        self.assertRefused(
            q.submit_share_object, S.client2, share_uri, contains=("ShareItemsFound", "The request is empty")
        )

        # The item list is every shareable item of the dataset, none in the share yet.
        items = q.get_share_object(S.client2, share_uri)["items"].nodes
        self.assertGreater(len(items), 0)
        self.assertEqual({i.status for i in items}, {None})
        self.assertTrue({"Table", "StorageLocation", "S3Bucket"} <= {i.itemType for i in items})

        # data.all's add_all_items_to_share: walk the list and add each.
        for item in items:
            self.assertIsNotNone(q.add_share_item(S.client2, share_uri, item.itemUri, item.itemType))
        items = q.get_share_object(S.client2, share_uri)["items"].nodes
        self.assertEqual({i.status for i in items}, {"PendingApproval"})

        self.assertEqual(q.submit_share_object(S.client2, share_uri).status, "Submitted")
        self.assertEqual(q.get_share_object(S.client2, share_uri).status, "Submitted")

        # Only the dataset's approvers approve; the outsider does not even read the request.
        self.assertRefused(
            q.approve_share_object,
            S.client2,
            share_uri,
            contains=("UnauthorizedOperation", "APPROVE_SHARE_OBJECT", share_uri),
        )
        self.assertRefused(
            q.get_share_object,
            S.client3,
            share_uri,
            contains=("UnauthorizedOperation", "GET_SHARE_OBJECT", share_uri),
        )

        q.approve_share_object(S.client1, share_uri)
        approved = q.get_share_object(S.client1, share_uri, {"isShared": True})
        # The worker may have picked the share up by the time it is read again.
        self.assertIn(approved.status, ("Approved", "Share_In_Progress", "Processed"))

        # data.all's check_share_succeeded.
        check_share_ready(S.client2, share_uri)
        share = q.get_share_object(S.client2, share_uri, {"isShared": True})
        self.assertEqual(share.status, "Processed")
        for item in share["items"].nodes:
            self.assertEqual(item.status, "Share_Succeeded", item)
            self.assertEqual(item.healthStatus, "Healthy", item)
        self.assertTrue({"Table", "StorageLocation", "S3Bucket"} <= {i.itemType for i in share["items"].nodes})
