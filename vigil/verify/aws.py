"""Where a deployed stack lives: an AWS account (default credentials) or a local emulator (moto) by URL.

Every call that reads or changes a deployed stack goes through :class:`AwsTarget`, so one ``--endpoint``
flag points ``vigil verify``, ``vigil fire`` and the demo at the same place. Clients fail fast (one attempt):
an emulator that does not implement an operation answers 500 at once, and retrying only hides that.
"""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

from vigil.verify.errors import VerifyError

Service = Literal["cloudwatch", "logs", "sns", "sts", "application-autoscaling", "ecs"]


def is_loopback_url(url: str) -> bool:
    """True for ``http(s)://localhost...`` and loopback IP addresses.

    >>> is_loopback_url("http://127.0.0.1:5000"), is_loopback_url("https://monitoring.us-east-1.amazonaws.com")
    (True, False)
    """
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _answers_like_moto(url: str) -> bool:
    """moto's server answers ``GET /moto-api/data.json``; AWS endpoints do not."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/moto-api/data.json", timeout=3) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class AwsTarget:
    """An AWS account, or an emulator at ``endpoint_url``.

    ``emulator`` is detected when not given: an endpoint on a loopback address that answers moto's
    ``/moto-api/`` is the emulator, anything else is AWS (a VPC endpoint URL, for instance).

    Example::

        >>> target = AwsTarget("us-east-1", endpoint_url="http://127.0.0.1:5000")  # doctest: +SKIP
        >>> target.client("cloudwatch").describe_alarms()["MetricAlarms"]  # doctest: +SKIP
        []
    """

    region: str
    endpoint_url: str | None = None
    emulator: bool | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.emulator is None:
            url = self.endpoint_url
            self.emulator = bool(url) and is_loopback_url(url or "") and _answers_like_moto(url or "")

    @property
    def where(self) -> str:
        """Human description of the target, for output."""
        if self.endpoint_url:
            return f"{'emulator' if self.emulator else 'endpoint'} {self.endpoint_url} ({self.region})"
        return f"AWS {self.region}"

    def client(self, service: Service) -> Any:
        """A boto3 client for ``service`` (cached), one attempt per call."""
        if service not in self._clients:
            try:
                import boto3
                from botocore.config import Config
            except ModuleNotFoundError as exc:  # pragma: no cover - boto3 is in the aws extra
                raise VerifyError("boto3 is not installed: pip install 'vigil-monitoring[aws]'") from exc
            config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)
            session = boto3.session.Session()
            self._clients[service] = session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
        return self._clients[service]

    def account_id(self) -> str:
        """The account the credentials belong to (STS ``GetCallerIdentity``)."""
        try:
            return str(self.client("sts").get_caller_identity()["Account"])
        except Exception as exc:
            raise VerifyError(
                f"cannot read the account id from {self.where}: {exc}; check AWS credentials "
                "(AWS_PROFILE, aws sso login) or --endpoint"
            ) from exc
