"""The hashes the app takes on its way to the first window: CPython's built-in BLAKE2.

`hashlib` loads OpenSSL's libcrypto as it is imported, which maps about 3.5 MB of resident
memory that an app idling at its deck list never needs; BLAKE2 is compiled into CPython itself
(`_blake2`), as fast as SHA-256 in C here, and what `hashlib.blake2b` returns anyway. Code that
runs later (the Anki export, the drills) keeps using `hashlib`.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # a Python built without it: the same function through hashlib
    from hashlib import blake2b

__all__ = ["blake2b"]
