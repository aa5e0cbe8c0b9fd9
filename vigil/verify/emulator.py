"""A local AWS (moto's server on 127.0.0.1, a free port) for the demo and the tests; needs ``moto[server]``."""

from __future__ import annotations

import contextlib
import logging
import os
import urllib.request
from collections.abc import Iterator

#: moto's default account (what STS GetCallerIdentity answers).
EMULATOR_ACCOUNT = "123456789012"
_ENV = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")


@contextlib.contextmanager
def local_aws(region: str = "us-east-1") -> Iterator[str]:
    """Start moto's server, point boto3 at it through the environment (dummy credentials), yield its URL.

    The environment is restored and the server stopped on exit, also on Ctrl-C.

    >>> with local_aws() as url:  # doctest: +SKIP
    ...     AwsTarget("us-east-1", url).client("sns").list_topics()["Topics"]
    []
    """
    from moto.server import ThreadedMotoServer

    for name in ("werkzeug", "moto"):  # moto's per-request access log and its tracebacks for unimplemented calls
        logging.getLogger(name).setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        wsgi = server._server
        if wsgi is None:
            raise RuntimeError("moto server did not start")
        url = f"http://127.0.0.1:{wsgi.server_port}"
        saved = {k: os.environ.get(k) for k in _ENV}
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION=region,
        )
        try:
            yield url
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    finally:
        server.stop()


def reset(url: str) -> None:
    """Forget every resource of the emulator at ``url`` (moto's ``POST /moto-api/reset``)."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
