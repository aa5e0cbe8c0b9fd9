"""EMF and CloudWatch limits and the valid metric units (hard-coded so ``import vigil.emf`` stays cheap).

The unit list is botocore's ``StandardUnit`` enum of the CloudWatch service model; a test compares the two.
"""

from __future__ import annotations

from typing import Final

#: Valid CloudWatch / EMF units (botocore ``cloudwatch`` model, shape ``StandardUnit``).
STANDARD_UNITS: Final[frozenset[str]] = frozenset(
    {
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    }
)

#: StorageResolution values EMF accepts (1 = high resolution).
STORAGE_RESOLUTIONS: Final[frozenset[int]] = frozenset({1, 60})

MAX_METRICS_PER_DIRECTIVE: Final = 100
MAX_VALUES_PER_METRIC: Final = 100
MAX_DIMENSIONS_PER_SET: Final = 30
MAX_NAME_LENGTH: Final = 255  # metric names (CloudWatch MetricName)
#: EMF's published JSON schema allows 250 characters per dimension name (CloudWatch's API allows 255).
MAX_DIMENSION_NAME_LENGTH: Final = 250
MAX_NAMESPACE_LENGTH: Final = 255
MAX_DIMENSION_VALUE_LENGTH: Final = 1024
#: Largest log event CloudWatch Logs accepts (PutLogEvents counts 26 bytes of overhead on top of the message).
MAX_LINE_BYTES: Final = 1_048_576 - 26

#: PutLogEvents batch limits.
MAX_BATCH_EVENTS: Final = 10_000
MAX_BATCH_BYTES: Final = 1_048_576
EVENT_OVERHEAD_BYTES: Final = 26
MAX_BATCH_SPAN_MS: Final = 24 * 3600 * 1000

#: Valid EMF timestamps (epoch ms): from 1970 to the end of year 9999 (what ``datetime`` can express).
MAX_TIMESTAMP_MS: Final = 253_402_300_799_999
#: Numbers below this are epoch *seconds* (as milliseconds it would be before March 1973; as seconds, after year 5000).
SECONDS_BELOW: Final = 100_000_000_000

DEFAULT_AGENT_ENDPOINT: Final = "tcp://127.0.0.1:25888"
SINK_ENV_VAR: Final = "VIGIL_EMF_SINK"
