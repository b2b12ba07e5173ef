"""The GraphQL client, as data.all's integration tests hold one (tests_new/integration_tests/client.py).

data.all's client posts `{operationName, variables, query}` to `<API_ENDPOINT>/graphql/api` with
a Cognito access token, raises `GqlError(errors)` when an answer has errors and no data, and hands
back the whole answer with attribute access (munch's DefaultMunch: a missing key reads as None).
This one does the same with only `requests`; it takes a token instead of signing in to the
Cognito hosted UI, which `make dev` does not serve.
"""

import functools
import logging
import time
from pprint import pformat

import requests

log = logging.getLogger(__name__)


class GqlError(RuntimeError):
    """data.all's error: its text is the list of GraphQL errors, and tests match words in it."""

    def __init__(self, msg):
        super().__init__(msg)


class Munch(dict):
    """A dict whose keys read as attributes, None when missing (munch's DefaultMunch)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            if name.startswith("__"):
                raise AttributeError(name) from None
            return None

    @classmethod
    def from_dict(cls, value):
        if isinstance(value, dict):
            return cls({k: cls.from_dict(v) for k, v in value.items()})
        if isinstance(value, list):
            return [cls.from_dict(v) for v in value]
        return value


class Client:
    def __init__(self, endpoint, username, token, group):
        self.endpoint = endpoint.rstrip("/")
        self.username = username
        self.access_token = token
        # The team the user acts for in these tests (data.all's fixtures pair client1 with group1).
        self.group = group
        self.http = requests.Session()

    def query(self, query: dict):
        graphql_endpoint = f"{self.endpoint}/graphql/api"
        headers = {"accesskeyid": "none", "SecretKey": "none", "Authorization": f"Bearer {self.access_token}"}
        r = self.http.post(graphql_endpoint, json=query, headers=headers, timeout=120)
        response = r.json()
        if errors := response.get("errors"):
            if any((response.get("data", {}) or {}).values()):  # check if there are data
                log.warning(f"{query=} returned both data and errors:\n {pformat(response)}")
            else:
                raise GqlError(errors)
        r.raise_for_status()
        return Munch.from_dict(response)


def poller(check_success, timeout=float("inf"), sleep_time=10.0):
    """data.all's poller (tests_new/integration_tests/utils.py), with a shorter sleep: moto is quick."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            current_timeout = timeout
            while not check_success(retval := func(*args, **kwargs)):
                log.debug(f"{func.__name__=} polling {current_timeout=} {retval=}")
                time.sleep(sleep_time)
                current_timeout -= sleep_time
                if current_timeout <= 0:
                    raise TimeoutError(f"Timeout: {func.__name__} last answered {retval}")
            return retval

        return wrapper

    return decorator
