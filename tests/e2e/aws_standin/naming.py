"""Physical names as pulumi-aws makes them.

Auto-naming (pulumi-aws's default for ``name``): the logical name, a dash and 7 random hex
digits, drawn from the engine's random seed so that one deployment draws the same name in its
preview and its update. ``namePrefix`` (Terraform's ``id.PrefixedUniqueId``): the prefix and 26
digits of time and a counter.
"""

import hashlib
import itertools
import os
import time

AUTONAME_HEX_DIGITS = 7
_counter = itertools.count()


def autoname(logical_name: str, seed: bytes) -> str:
    entropy = seed or os.urandom(32)
    digest = hashlib.sha256(entropy + logical_name.encode()).hexdigest()
    return f"{logical_name}-{digest[:AUTONAME_HEX_DIGITS]}"


def prefixed_unique(prefix: str) -> str:
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    return f"{prefix}{stamp}{time.time_ns() % 10_000:04d}{next(_counter) % 2**32:08x}"
