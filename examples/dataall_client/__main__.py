"""Runs the suite: `python examples/dataall_client URL [unittest options]` (README.md)."""

import os
import sys
import unittest
from pathlib import Path

if __package__ in (None, ""):
    # Run as a folder (`python examples/dataall_client`): import it as the package it is.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "dataall_client"


def main():
    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        os.environ["API_ENDPOINT"] = args.pop(0)
    from dataall_client import test_dataall

    # setUpModule makes the session's resources; classes and tests then run by name.
    suite = unittest.TestLoader().loadTestsFromModule(test_dataall)
    verbosity = 1 if "-q" in args else 2
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
