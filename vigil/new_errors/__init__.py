"""New-error detection: the first time an error fingerprint is seen, a metric and a log line say so.

CloudWatch Logs sends the error lines of a log group (a subscription filter on ``$.error.fingerprint``) to a
small Lambda function, :mod:`vigil.new_errors.handler`. It records each fingerprint in a DynamoDB table with a
conditional write (``attribute_not_exists``): the write that succeeds is the first sighting. Per batch it
publishes the number of new fingerprints as a catalog metric (``error.new_fingerprints``), which a normal
alarm watches and routes by its severity, like Sentry's "new issue" notification.

The handler is one file with no dependency but boto3 (present in every Lambda Python runtime), so the
component ships it as the function's code as is.
"""

from __future__ import annotations

from vigil.new_errors.handler import decode_batch, first_sightings

__all__ = ["decode_batch", "first_sightings"]
