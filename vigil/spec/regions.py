"""AWS regions, and the one table of services whose control plane lives in other regions than the stack's.

Most of a stack is created in the stack's region (``aws:region``). Some services are not served there:

- **AWS Chatbot** (Amazon Q Developer in chat applications): its API answers only in the regions of
  :data:`CONTROL_PLANES` ``["chatbot"]``; a channel configuration is created there and can subscribe to topics
  of any region. ``vigil:chatbot_region`` picks one; by default the stack's region when Chatbot serves it,
  else the first listed (us-east-2, where its console lives).
- **Route 53 health checks**: a global service whose API is signed for one region per partition (us-east-1 in
  ``aws``, from botocore's endpoint data), where Route 53 also publishes ``HealthCheckStatus``.

The plan gives those resources their region from :func:`service_region`, and the components create them with an
explicit Pulumi provider for it, so what Pulumi creates never depends on the stack's default provider.
The known regions come from botocore's endpoint data (``vigil/spec/data/regions.json``; regenerate with
``python -m vigil.spec.regions``).

>>> service_region("chatbot", "us-east-1")
'us-east-2'
>>> service_region("chatbot", "eu-west-1"), service_region("chatbot", "eu-west-1", "us-west-2")
('eu-west-1', 'us-west-2')
>>> service_region("route53", "eu-central-1")
'us-east-1'
>>> partition_of("cn-north-1"), partition_of("us-east-7")
('aws-cn', None)
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("data") / "regions.json"


@dataclass(frozen=True)
class ControlPlane:
    """Where one service's API is served, whatever the stack's region.

    ``regions``: the regions of the ``aws`` partition that serve it, first the default; empty: the partition's
    global endpoint (botocore's ``credentialScope``). ``setting``: the stack setting (``vigil:<setting>``) that
    picks one of ``regions``, or None when there is no choice.
    """

    service: str
    title: str
    regions: tuple[str, ...]
    setting: str | None
    source: str


#: The one table of services planned outside the stack's region.
CONTROL_PLANES: dict[str, ControlPlane] = {
    "chatbot": ControlPlane(
        service="chatbot",
        title="AWS Chatbot (Amazon Q Developer in chat applications)",
        regions=("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"),
        setting="chatbot_region",
        source="https://docs.aws.amazon.com/general/latest/gr/chatbot.html",
    ),
    "route53": ControlPlane(
        service="route53",
        title="Route 53 health checks (and their HealthCheckStatus metrics)",
        regions=(),
        setting=None,
        source="https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html",
    ),
}


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def known_regions() -> tuple[str, ...]:
    """Every region of every AWS partition botocore knows, sorted."""
    return tuple(sorted(r for p in _data()["partitions"].values() for r in p["regions"]))


def partition_of(region: str) -> str | None:
    """The partition (``aws``, ``aws-cn``, ...) of a known region, or None."""
    for name, partition in _data()["partitions"].items():
        if region in partition["regions"]:
            return str(name)
    return None


def service_region(service: str, stack_region: str, setting: str | None = None) -> str | None:
    """The region ``service``'s resources of a stack in ``stack_region`` are created in, or None when the
    service is not served in that partition (or ``setting`` names a region that does not serve it).

    ``setting`` is the stack's choice (``vigil:chatbot_region``), if any.
    """
    plane = CONTROL_PLANES[service]
    partition = partition_of(stack_region) or "aws"
    if not plane.regions:
        scoped = _data()["partitions"].get(partition, {}).get("global_endpoints", {}).get(service)
        return str(scoped) if scoped else None
    if setting is not None:
        return setting if setting in plane.regions else None
    if partition != "aws":
        return None
    return stack_region if stack_region in plane.regions else plane.regions[0]


def extract_from_botocore() -> dict[str, Any]:
    """Regions per partition, and the signing region of the global services of :data:`CONTROL_PLANES`."""
    import botocore.loaders

    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    partitions: dict[str, Any] = {}
    for part in endpoints["partitions"]:
        scoped: dict[str, str] = {}
        for service in CONTROL_PLANES:
            entry = part["services"].get(service, {})
            global_name = entry.get("partitionEndpoint")
            if global_name and not entry.get("isRegionalized", True):
                scoped[service] = entry["endpoints"][global_name]["credentialScope"]["region"]
        partitions[part["partition"]] = {"regions": sorted(part["regions"]), "global_endpoints": scoped}
    return {"source": "botocore data/endpoints.json (partitions, regions, credentialScope)", "partitions": partitions}


def main() -> int:
    """Regenerate the data file from botocore: ``python -m vigil.spec.regions``."""
    DATA_FILE.write_text(json.dumps(extract_from_botocore(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {DATA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
