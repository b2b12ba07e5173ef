#!/usr/bin/env python3
"""A Cognito user pool in a local moto, with test teams and users, for `make dev`.

    python3 scripts/local_cognito.py [ENV_FILE]            set up (idempotent), write ENV_FILE
    python3 scripts/local_cognito.py token USER [PASSWORD] print an id token for USER

Environment: MOTO_URL (default http://127.0.0.1:5055), AWS_REGION (default eu-west-1),
SLUICE_COGNITO_ENV (default .sluice/cognito.env; ENV_FILE wins). Dummy AWS credentials are
used when none are set: moto does not check them.

The pool is reused by name, so running this twice changes nothing. moto keeps state in
memory only: after moto restarts, run the setup again (the pool id changes, so restart sluice).
"""

import os
import sys
from pathlib import Path

POOL_NAME = "sluice-local"
CLIENT_NAME = "sluice-web"
PASSWORD = "Passw0rd!"
GROUPS = ["DAAdministrators", "TeamA", "TeamB", "TeamC"]
USERS = {
    "alice": ["TeamA", "DAAdministrators"],
    "bob": ["TeamB"],
    "carol": ["TeamC"],
}
DEFAULT_ENV_FILE = ".sluice/cognito.env"


def fail(message):
    print(f"local_cognito: {message}", file=sys.stderr)
    sys.exit(1)


def moto_url():
    return os.environ.get("MOTO_URL", "http://127.0.0.1:5055").rstrip("/")


def client(region):
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ.setdefault(key, value)
    try:
        import boto3
    except ImportError:
        fail("boto3 is missing; it comes with moto: pip install 'moto[server]'")
    return boto3.client("cognito-idp", endpoint_url=moto_url(), region_name=region)


def call(fn, **kwargs):
    """Runs one API call, turning 'moto is not running' into a plain message."""
    from botocore.exceptions import EndpointConnectionError

    try:
        return fn(**kwargs)
    except EndpointConnectionError:
        fail(f"moto is not running at {moto_url()}; start it (moto_server -H 127.0.0.1 -p PORT) or set MOTO_URL")


def error_code(error):
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


def find_pool(idp):
    kwargs = {"MaxResults": 60}
    while True:
        page = call(idp.list_user_pools, **kwargs)
        for pool in page.get("UserPools", []):
            if pool["Name"] == POOL_NAME:
                return pool["Id"]
        if not page.get("NextToken"):
            return None
        kwargs["NextToken"] = page["NextToken"]


def find_client(idp, pool_id):
    kwargs = {"UserPoolId": pool_id, "MaxResults": 60}
    while True:
        page = call(idp.list_user_pool_clients, **kwargs)
        for app in page.get("UserPoolClients", []):
            if app["ClientName"] == CLIENT_NAME:
                return app["ClientId"]
        if not page.get("NextToken"):
            return None
        kwargs["NextToken"] = page["NextToken"]


def ensure_group(idp, pool_id, group):
    try:
        call(idp.create_group, UserPoolId=pool_id, GroupName=group)
    except idp.exceptions.GroupExistsException:
        pass


def ensure_user(idp, pool_id, username, groups):
    try:
        call(idp.admin_get_user, UserPoolId=pool_id, Username=username)
    except idp.exceptions.UserNotFoundException:
        call(idp.admin_create_user, UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    # Permanent, so the first sign-in is not a NEW_PASSWORD_REQUIRED challenge.
    call(idp.admin_set_user_password, UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    current = {
        g["GroupName"]
        for g in call(idp.admin_list_groups_for_user, UserPoolId=pool_id, Username=username).get("Groups", [])
    }
    for group in groups:
        if group not in current:
            call(idp.admin_add_user_to_group, UserPoolId=pool_id, Username=username, GroupName=group)


def write_env(path, values):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by scripts/local_cognito.py for the local moto Cognito pool. Safe to delete."]
    lines += [f"{key}={value}" for key, value in values.items()]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)


def read_env(path):
    if not path.exists():
        fail(f"{path} does not exist; run `python3 scripts/local_cognito.py` first")
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def setup(env_file):
    region = os.environ.get("AWS_REGION", "eu-west-1")
    idp = client(region)
    pool_id = find_pool(idp)
    if pool_id is None:
        pool_id = call(idp.create_user_pool, PoolName=POOL_NAME)["UserPool"]["Id"]
    client_id = find_client(idp, pool_id)
    if client_id is None:
        client_id = call(
            idp.create_user_pool_client,
            UserPoolId=pool_id,
            ClientName=CLIENT_NAME,
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
    for group in GROUPS:
        ensure_group(idp, pool_id, group)
    for username, groups in USERS.items():
        ensure_user(idp, pool_id, username, groups)

    # Tokens name the AWS issuer while moto serves the keys itself, hence two settings.
    write_env(
        env_file,
        {
            "SLUICE_AUTH_ISSUER": f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
            "SLUICE_AUTH_JWKS_URL": f"{moto_url()}/{pool_id}/.well-known/jwks.json",
            "SLUICE_AUTH_CLIENT_ID": client_id,
            "SLUICE_COGNITO_POOL_ID": pool_id,
        },
    )
    print(f"Cognito pool {POOL_NAME} ({pool_id}) in moto at {moto_url()}, app client {CLIENT_NAME} ({client_id})")
    for username, groups in USERS.items():
        print(f"  {username:<6} password {PASSWORD}  groups {', '.join(sorted(groups))}")
    env_prefix = "" if env_file == default_env_file() else f"SLUICE_COGNITO_ENV={env_file} "
    print(f"Wrote {env_file}. An id token for alice: {env_prefix}python3 scripts/local_cognito.py token alice")


def token(username, password, env_file):
    values = read_env(env_file)
    pool_id = values.get("SLUICE_COGNITO_POOL_ID")
    client_id = values.get("SLUICE_AUTH_CLIENT_ID")
    if not pool_id or not client_id:
        fail(f"{env_file} lacks SLUICE_COGNITO_POOL_ID or SLUICE_AUTH_CLIENT_ID; run the setup again")
    # Pool ids start with their region, so the token works whatever AWS_REGION says now.
    idp = client(pool_id.split("_", 1)[0])
    try:
        result = call(
            idp.initiate_auth,
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
    except idp.exceptions.ResourceNotFoundException:
        fail(f"pool {pool_id} is not in moto (restarted?); run `python3 scripts/local_cognito.py` again")
    except (idp.exceptions.UserNotFoundException, idp.exceptions.NotAuthorizedException) as error:
        fail(f"cannot sign in as {username}: {error_code(error)}")
    print(result["AuthenticationResult"]["IdToken"])


def default_env_file():
    return Path(os.environ.get("SLUICE_COGNITO_ENV", DEFAULT_ENV_FILE))


def main(argv):
    default_env = default_env_file()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
    elif argv and argv[0] == "token":
        if len(argv) not in (2, 3):
            fail("usage: local_cognito.py token USER [PASSWORD]")
        token(argv[1], argv[2] if len(argv) == 3 else PASSWORD, default_env)
    elif len(argv) <= 1:
        setup(Path(argv[0]) if argv else default_env)
    else:
        fail("usage: local_cognito.py [ENV_FILE] | token USER [PASSWORD]")


if __name__ == "__main__":
    main(sys.argv[1:])
