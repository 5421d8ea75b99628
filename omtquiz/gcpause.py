"""Pausing Python's cycle collector around work that allocates many objects which live on.

Loading a deck, unpickling a cached one and building an export each create tens of thousands
of objects and free few: the collector's passes over them find nothing to collect and cost a
quarter of the time. None of that work makes reference cycles worth collecting at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collection off inside the block; on again after it only if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
