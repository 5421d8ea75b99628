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

`region: counterstrain` drills a tender point's position of ease. Its facts are the deck's own
`records:` (each with `view`, `location` and a `cer_/tho_/rib_/lum_treatment`); they are read
into the drill here, checked against the anterior-flexion / posterior-extension rule, and
reported at the record's line when they cannot be read.
"""

from __future__ import annotations

from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.ids import CARD_ID_RE, did_you_mean
from omtquiz.decks.model import DrillSpec
from omtquiz.drills import REGIONS, counterstrain
from omtquiz.drills.cases import DIRECTIONS, check_levels, pool
from omtquiz.drills.common import Refusal
from omtquiz.drills.present import REGION_TITLES

DRILL_KEYS = ("id", "region", "kinds", "levels", "direction", "count", "tags", "source",
              "title")
MAX_COUNT = 500
ALL_REGIONS = (*REGIONS, counterstrain.REGION)
DIRECTION_TITLES = {"findings_to_name": "findings → name", "name_to_findings":
                    "name → findings", "name_to_setup": "name → muscle energy set-up"}


def expand(reader, top: yn.Map, sources=()) -> None:
    """Check `drills:` and add one drill card per good entry to the reader's cards."""
    node = top.get("drills")
    if node is None or (isinstance(node, yn.Scalar) and node.is_null):
        return
    if not isinstance(node, yn.Seq):
        reader.error(node, f"drills: expected a list, found {yn.kind_of(node)}")
        return
    points: list | None = None  # read once, for the first counterstrain drill
    for index, item in enumerate(node.items):
        if _region_of(item) == counterstrain.REGION and points is None:
            points = _tender_points(reader, sources)
        _entry(reader, index, item, tuple(points or ()))


def _region_of(item: yn.Node) -> str | None:
    node = item.values.get("region") if isinstance(item, yn.Map) else None
    return node.value if isinstance(node, yn.Scalar) else None


def _tender_points(reader, sources) -> list:
    """The deck's records that have a treatment field, as tender points; a record the rule
    cannot read (or that departs from it unexplained) is an error at its own line."""
    by_id = {s.id: s for s in sources}
    points = []
    for record in reader.fact_records:
        cited = by_id.get(record.source)
        citation = (f"{cited.citation}{f' ({cited.url})' if cited.url else ''}" if cited
                    else "")
        field = counterstrain.treatment_field(record.fields)
        others = [v.answer for v in record.versions.get(field[0], ())] if field else []
        point = counterstrain.tender_point(record.fields, citation, others)
        if isinstance(point, Refusal):
            reader.error(record.node, f"{record.where}: {point.message}")
        elif point is not None:
            points.append(point)
    return points


def _entry(reader, index: int, item: yn.Node, points: tuple = ()) -> None:
    where = f"drills[{index}]"
    if not isinstance(item, yn.Map):
        reader.error(item, f"{where}: a drill must be a mapping (id, region, ...), found "
                     f"{yn.kind_of(item)}")
        return
    errors_before = reader._error_count()
    reader.unknown_keys(item, DRILL_KEYS, where)
    drill_id = _id(reader, item, where)
    region = reader.text(item, "region", where, required=True, card_id=drill_id)
    if region is not None and region not in ALL_REGIONS:
        reader.error(item.values["region"], f"{where}.region: '{region}' is not one of "
                     f"{', '.join(ALL_REGIONS)}{did_you_mean(region, ALL_REGIONS)}", drill_id)
        region = None
    if region == counterstrain.REGION:
        _counterstrain(reader, item, where, drill_id, points, errors_before)
        return
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
    labels = _labels(reader, item, where, drill_id)
    if reader._error_count() != errors_before or drill_id is None or region is None:
        return
    _add(reader, item, where, drill_id, DrillSpec(region, tuple(families), levels, direction,
                                                   count), labels)


def _counterstrain(reader, item: yn.Map, where: str, drill_id: str | None,
                   points: tuple, errors_before: int) -> None:
    """A counterstrain drill: name -> set-up, its kinds the regions of the deck's points."""
    if "levels" in item.keys:
        reader.error(item.values["levels"], f"{where}.levels: counterstrain drills have no "
                     "levels; choose regions with kinds", drill_id)
    direction = reader.text(item, "direction", where, required=False, card_id=drill_id) \
        or "name_to_setup"
    if direction != "name_to_setup":
        reader.error(item.values["direction"], f"{where}.direction: counterstrain drills ask "
                     f"name_to_setup (a tender point -> its position), not '{direction}'",
                     drill_id)
    given = reader.text_list(item, "kinds", where, drill_id)
    present = [f for f in counterstrain.FAMILIES if any(p.family == f for p in points)]
    families = []
    for value, node in given:
        if value not in counterstrain.FAMILIES:
            reader.error(node, f"{where}.kinds: '{value}' is not a counterstrain kind; one of "
                         f"{', '.join(counterstrain.FAMILIES)}"
                         f"{did_you_mean(value, counterstrain.FAMILIES)}", drill_id)
        elif value not in present:
            reader.error(node, f"{where}.kinds: no record of this deck is a '{value}' tender "
                         "point with a treatment field", drill_id)
        elif value not in families:
            families.append(value)
    if not given:
        families = present
    if not present:
        reader.error(item, f"{where}: a counterstrain drill reads this deck's records: none "
                     "has view, location and a cer_/tho_/rib_/lum_treatment field", drill_id)
    count = _count(reader, item, where, drill_id)
    labels = _labels(reader, item, where, drill_id)
    if reader._error_count() != errors_before or drill_id is None:
        return
    chosen = tuple(p for p in points if p.family in families)
    _add(reader, item, where, drill_id, DrillSpec(counterstrain.REGION, tuple(families), None,
                                                   "name_to_setup", count, chosen), labels)


def _labels(reader, item: yn.Map, where: str, drill_id: str | None) -> tuple:
    """The entry's tags and source (a source is checked against `sources:` later)."""
    tags = reader.tags(item, where, drill_id)
    source = reader.source(item, where, "drill", drill_id)
    if source is not None:
        reader.cite(source, item.values["source"], drill_id or "", where)
    return tags, source


def _add(reader, item: yn.Map, where: str, drill_id: str, spec: DrillSpec,
         labels: tuple) -> None:
    tags, source = labels
    title = reader.text(item, "title", where, required=False, card_id=drill_id)
    kwargs = {"id": drill_id, "type": "drill", "line": item.line, "tags": tags, "drill": spec,
              "front": title or _title(spec),
              "back": "A fresh case at each review, graded by the rules: "
                      + ", ".join(spec.families) + "."}
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
    if spec.region == counterstrain.REGION:
        return "Counterstrain: the tender point to its position of ease"
    return (f"Diagnosis drill: {REGION_TITLES[spec.region]}{levels}, "
            f"{DIRECTION_TITLES[spec.direction]}")
