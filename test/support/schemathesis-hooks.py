"""Hooks for the conformance run (test/api/conformance.test.ts), loaded through SCHEMATHESIS_HOOKS.

Generated Idempotency-Key values repeat across examples ("0", "00", ...), and a key sent again with
another request is refused with 422, as it must be (tested in test/api/api.test.ts). That refusal is
about the run's history, not about the document, so in positive cases each valid key gets a unique
suffix (still within the declared pattern and length); negative cases, invalid keys among them, are
sent as generated.
"""

import re
import uuid

import schemathesis

HEADER = "Idempotency-Key"
VALID = re.compile(r"^[A-Za-z0-9._:-]{1,200}\Z")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Negative cases are left alone: any 4xx is their right answer, and editing one makes schemathesis
    # revalidate it as positive and put back a header (Authorization) it meant to leave out.
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return None
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == HEADER.lower() and isinstance(value, str) and VALID.match(value):
            headers[name] = f"{value[:160]}.{uuid.uuid4().hex}"
    return None
