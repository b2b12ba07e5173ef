#!/usr/bin/env python3
"""Approves every submitted share request in a steward team's inbox.

    AWS_PROFILE=stewards python3 bulk_approve.py https://sluice.example.com --team TeamA [--dry-run]

Signs in with the AWS credentials of the standard chain (an admin must have mapped the role to
the team with createIamPrincipalMapping). Approves the shares whose dataset is administered by
--team (all shares in the inbox when it is left out), prints one line per share, and exits 1
if any approval failed.
"""

import argparse
import sys

from sluice_iam import SluiceClient, SluiceError

INBOX = """query($page: Int) {
  getShareRequestsToMe(filter: {status: ["Submitted"], page: $page, pageSize: 100}) {
    hasNext
    nodes { shareUri status group requestPurpose dataset { datasetName SamlAdminGroupName } }
  }
}"""
APPROVE = "mutation($s: String!) { approveShareObject(shareUri: $s) { shareUri status } }"


def inbox(sluice):
    page = 1
    while True:
        found = sluice.gql(INBOX, {"page": page})["getShareRequestsToMe"]
        yield from found["nodes"]
        if not found["hasNext"]:
            return
        page += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--team", help="only shares of datasets this team administers")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    sluice = SluiceClient(args.url)
    failures = 0
    # Read the whole inbox first: approving while paging would shift the pages.
    for share in list(inbox(sluice)):
        if args.team and share["dataset"]["SamlAdminGroupName"] != args.team:
            continue
        what = f"{share['shareUri']} {share['dataset']['datasetName']} for {share['group']}"
        if args.dry_run:
            print(f"would approve {what}")
            continue
        try:
            approved = sluice.gql(APPROVE, {"s": share["shareUri"]})["approveShareObject"]
            print(f"approved {what}: {approved['status']}")
        except SluiceError as err:
            failures += 1
            print(f"could not approve {what}: {err}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
