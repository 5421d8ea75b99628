"""Every region's rule engine by name: `omtquiz.drills.REGIONS`, loaded on first use.

Kept apart from the package's `__init__` so that loading one drill module (the parse cache
unpickling a counterstrain drill's tender points loads `omtquiz.drills.counterstrain`) does not
load every region's rules.
"""

from __future__ import annotations

from omtquiz.drills.cervical import REGION as CERVICAL
from omtquiz.drills.common import Region
from omtquiz.drills.pelvis import INNOMINATE, PUBIC
from omtquiz.drills.ribs import REGION as RIB
from omtquiz.drills.sacrum import REGION as SACRUM
from omtquiz.drills.spine import REGION as SPINE

REGIONS: dict[str, Region] = {r.name: r for r in (SPINE, CERVICAL, SACRUM, INNOMINATE, PUBIC,
                                                  RIB)}
