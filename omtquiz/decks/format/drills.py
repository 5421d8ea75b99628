"""The `drills:` key: diagnosis drills in a deck, each one scheduled item per rule family.

    drills:
      - id: thoracic-type-ii
        region: spine            # spine, cervical, sacrum, innominate, pubic, rib
        kinds: [type II]         # rule families (default: all of the region's)
        levels: T1-T12           # optional: a range (spine, rib) or a list of levels (cervical)
        direction: findings_to_name   # or name_to_findings, name_to_setup
        count: 20                # cases in an Anki export
        source: fryette

A drill is a card of type "drill" whose items are its families, so FSRS schedules the skill and
each review draws a fresh case from the rule engine (omtquiz.drills). Every value is checked
against the engine here, at the entry's file:line:col, so a bad region or kind fails at load
time, not in the middle of a review.
"""

from __future__ import annotations

from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.ids import CARD_ID_RE, did_you_mean
from omtquiz.decks.model import DrillSpec
from omtquiz.drills import REGIONS
from omtquiz.drills.cases import DIRECTIONS, check_levels, pool
from omtquiz.drills.present import REGION_TITLES

DRILL_KEYS = ("id", "region", "kinds", "levels", "direction", "count", "tags", "source",
              "title")
MAX_COUNT = 500
DIRECTION_TITLES = {"findings_to_name": "findings → name", "name_to_findings":
                    "name → findings", "name_to_setup": "name → muscle energy set-up"}


def expand(reader, top: yn.Map) -> None:
    """Check `drills:` and add one drill card per good entry to the reader's cards."""
    node = top.get("drills")
    if node is None or (isinstance(node, yn.Scalar) and node.is_null):
        return
    if not isinstance(node, yn.Seq):
        reader.error(node, f"drills: expected a list, found {yn.kind_of(node)}")
        return
    for index, item in enumerate(node.items):
        _entry(reader, index, item)


def _entry(reader, index: int, item: yn.Node) -> None:
    where = f"drills[{index}]"
    if not isinstance(item, yn.Map):
        reader.error(item, f"{where}: a drill must be a mapping (id, region, ...), found "
                     f"{yn.kind_of(item)}")
        return
    errors_before = reader._error_count()
    reader.unknown_keys(item, DRILL_KEYS, where)
    drill_id = _id(reader, item, where)
    region = reader.text(item, "region", where, required=True, card_id=drill_id)
    if region is not None and region not in REGIONS:
        reader.error(item.values["region"], f"{where}.region: '{region}' is not one of "
                     f"{', '.join(REGIONS)}{did_you_mean(region, REGIONS)}", drill_id)
        region = None
    families = _families(reader, item, where, region, drill_id)
    levels = reader.text(item, "levels", where, required=False, card_id=drill_id)
    direction = reader.text(item, "direction", where, required=False,
                            card_id=drill_id) or DIRECTIONS[0]
    if direction not in DIRECTIONS:
        reader.error(item.values["direction"], f"{where}.direction: '{direction}' is not one "
                     f"of {', '.join(DIRECTIONS)}{did_you_mean(direction, DIRECTIONS)}",
                     drill_id)
    count = _count(reader, item, where, drill_id)
    unreadable = check_levels(region, levels) if region is not None else None
    if unreadable is not None:
        reader.error(item.values["levels"], f"{where}.{unreadable.message}", drill_id)
    elif region is not None and families:
        families = _reachable(reader, item, where, region, families, levels, drill_id)
    tags = reader.tags(item, where, drill_id)
    source = reader.source(item, where, "drill", drill_id)
    if source is not None:
        reader.source_refs.append((source, item.values["source"], drill_id or "", where))
    if reader._error_count() != errors_before or drill_id is None or region is None:
        return
    title = reader.text(item, "title", where, required=False, card_id=drill_id)
    spec = DrillSpec(region, tuple(families), levels, direction, count)
    kwargs = {"id": drill_id, "type": "drill", "line": item.line, "tags": tags, "drill": spec,
              "front": title or _title(spec),
              "back": "A fresh case at each review, graded by the rules: "
                      + ", ".join(families) + "."}
    if source is not None:
        kwargs["source"] = source
    reader.card_kwargs.append(kwargs)


def _id(reader, item: yn.Map, where: str) -> str | None:
    drill_id = reader.text(item, "id", where, required=True)
    if drill_id is None:
        return None
    node = item.values["id"]
    if not CARD_ID_RE.match(drill_id):
        reader.error(node, f"{where}.id: '{drill_id}' must be 1-128 characters without spaces")
        return None
    if drill_id in reader.card_ids:
        reader.error(node, f"{where}.id: duplicate card id '{drill_id}' (first used at line "
                     f"{reader.card_ids[drill_id]})", drill_id)
        return None
    reader.card_ids[drill_id] = node.line
    return drill_id


def _families(reader, item: yn.Map, where: str, region: str | None,
              drill_id: str | None) -> list[str]:
    given = reader.text_list(item, "kinds", where, drill_id)
    if region is None:
        return []
    known = REGIONS[region].families
    if not given:
        return list(known)
    families = []
    for value, node in given:
        if value not in known:
            reader.error(node, f"{where}.kinds: '{value}' is not a {region} kind; one of "
                         f"{', '.join(known)}{did_you_mean(value, known)}", drill_id)
        elif value not in families:
            families.append(value)
    return families


def _reachable(reader, item: yn.Map, where: str, region: str, families: list[str],
               levels: str | None, drill_id: str | None) -> list[str]:
    """The families with a case at these levels; a named kind without one is an error."""
    def has_cases(family: str) -> bool:
        try:
            return bool(pool(region, [family], levels))
        except (TypeError, ValueError):  # levels the engine cannot read
            return False

    named = "kinds" in item.keys
    reachable = [f for f in families if has_cases(f)]
    missing = [f for f in families if f not in reachable]
    if (named and missing) or not reachable:
        at = item.values.get("levels") or item.values.get("kinds") or item
        reader.error(at, f"{where}: no {region} dysfunction of kind "
                     f"'{(missing or families)[0]}' at levels {levels!r}", drill_id)
    return reachable


def _count(reader, item: yn.Map, where: str, drill_id: str | None) -> int:
    text = reader.text(item, "count", where, required=False, card_id=drill_id)
    if text is None:
        return 20
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        reader.error(item.values["count"], f"{where}.count: '{text}' is not a whole number "
                     f"from 1 to {MAX_COUNT}", drill_id)
        return 20
    return int(text)


def _title(spec: DrillSpec) -> str:
    levels = f" ({spec.levels})" if spec.levels else ""
    return (f"Diagnosis drill: {REGION_TITLES[spec.region]}{levels}, "
            f"{DIRECTION_TITLES[spec.direction]}")
