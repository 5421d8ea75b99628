"""Reading a "point to it" card: a map picture, the right spot on it and the name of what is
there, from a card written by hand or from a `type: point` rule filled in from a record.

    - id: at9
      type: point
      image: assets/diagrams/body-front.svg
      spot: [0.5, 0.46, 0.025]    # x, y (fractions of width and height), radius (of width)
      label: AT9
      extra: Three quarters of the way from the xiphoid tip to the umbilicus
      sides: one                    # or both: the mirror-image spot is right too
      axis: 0.5                     # the x `both` mirrors across (0.25 or 0.75: two views)
      cue: [0.25, 0.3, 0.02]        # a given spot, marked in every item ("click its partner")
      ask: both                     # or name (only "what is marked?"), click (only "where?")
      follow_up: What position treats it?    # item 2: asked of the marked spot, as a
      follow_answer: Flexion                 # multiple choice among these:
      distractors: [Extension, Side-bending away]

A generated card gets the same keys as text (`spot: "{map_spot}"` from a record's
`map_spot: [0.5, 0.46, 0.025]`) and is checked the same way, its problems reported at the record.
"""

from __future__ import annotations

import math

from omtquiz.decks.format import nodes as yn
from omtquiz.decks.format.occlusion import IMAGE_SUFFIXES, numbers_in

SIDES = ("one", "both")
ASKS = ("both", "name", "click")
DEFAULT_CLICK = "Point to {label} on the map."
DEFAULT_NAME = "What is marked on the map?"
MAX_RADIUS = 0.25


def read_point(reader, node: yn.Map, kwargs: dict, where: str, card_id: str | None) -> None:
    """Fill `kwargs` with a hand-written point card's texts, label and spot."""
    for key in ("front", "question", "extra", "follow_up", "follow_answer"):
        value = reader.text(node, key, where, required=False, card_id=card_id)
        if value is not None:
            kwargs[key] = value
    _read_follow_up(reader, node, kwargs, where, card_id)
    label = reader.text(node, "label", where, required=True, card_id=card_id)
    if label is not None:
        kwargs["answer"] = label.strip()
    _check_image(reader, node, node.get("image"), kwargs, where, card_id)
    spot_node = node.get("spot")
    if spot_node is None:
        reader.error(node, f"{where}: a point card needs 'spot: [x, y, radius]'", card_id)
        return
    values = numbers_in(reader, spot_node, f"{where}.spot", card_id, 3)
    if values is not None and _radius_ok(reader, spot_node, values[2], where, card_id):
        kwargs["spot"] = values
    cue_node = node.get("cue")
    if cue_node is not None:
        cue = numbers_in(reader, cue_node, f"{where}.cue", card_id, 3)
        if cue is not None and _radius_ok(reader, cue_node, cue[2], where, card_id, "cue"):
            kwargs["cue"] = cue
    axis = reader.text(node, "axis", where, required=False, card_id=card_id)
    if axis is not None and _numbers(axis, 1) is None:
        reader.error(node.values["axis"], f"{where}.axis: '{axis}' is not a number from 0 to 1",
                     card_id)
    elif axis is not None:
        kwargs["axis"] = _numbers(axis, 1)[0]
    for key, allowed in (("sides", SIDES), ("ask", ASKS)):
        value = reader.text(node, key, where, required=False, card_id=card_id)
        if value is not None and value not in allowed:
            reader.error(node.values[key], f"{where}.{key}: '{value}' is not one of "
                         f"{', '.join(allowed)}", card_id)
        elif value is not None:
            _set_choice(kwargs, key, value)
    _default_prompts(kwargs)


def point_from_texts(reader, record_node: yn.Map, kwargs: dict, where: str) -> bool:
    """Turn a generated point card's filled-in texts into its fields; False (reported at the
    record) when they do not make a usable card."""
    card_id = kwargs["id"]
    label = kwargs.pop("label", "").strip()
    spot_text = kwargs.pop("spot", "")
    if not label:
        reader.error(record_node, f"{where}: card '{card_id}' has an empty label", card_id)
        return False
    kwargs["answer"] = label
    values = _numbers(spot_text, 3)
    if values is None:
        reader.error(record_node, f"{where}: card '{card_id}': spot '{spot_text}' is not three "
                     "numbers from 0 to 1 (x, y, radius)", card_id)
        return False
    if not _radius_ok(reader, record_node, values[2], where, card_id):
        return False
    kwargs["spot"] = values
    for key, count, what in (("cue", 3, "three numbers from 0 to 1 (x, y, radius)"),
                             ("axis", 1, "a number from 0 to 1")):
        text = kwargs.pop(key, None)
        if text is None:
            continue
        numbers = _numbers(text, count)
        if numbers is None or (key == "cue" and not _radius_ok(
                reader, record_node, numbers[2], where, card_id, "cue")):
            if numbers is None:
                reader.error(record_node, f"{where}: card '{card_id}': {key} '{text}' is not "
                             f"{what}", card_id)
            return False
        kwargs[key] = numbers if key == "cue" else numbers[0]
    for key, allowed in (("sides", SIDES), ("ask", ASKS)):
        value = kwargs.pop(key, None)
        if value is not None and value not in allowed:
            reader.error(record_node, f"{where}: card '{card_id}': {key} '{value}' is not one "
                         f"of {', '.join(allowed)}", card_id)
            return False
        if value is not None:
            _set_choice(kwargs, key, value)
    image = kwargs.get("image")
    kwargs["image"] = reader.image(image, record_node, where, card_id) if image else None
    if kwargs["image"] is None:
        if not image:
            reader.error(record_node, f"{where}: card '{card_id}' has no image", card_id)
        return False
    _default_prompts(kwargs)
    return True


def _read_follow_up(reader, node: yn.Map, kwargs: dict, where: str,
                    card_id: str | None) -> None:
    """The follow-up's question, answer and wrong choices: all three, or none of them."""
    given = [key for key in ("follow_up", "follow_answer") if key in kwargs]
    if given and len(given) < 2:
        missing = ({"follow_up", "follow_answer"} - set(given)).pop()
        reader.error(node, f"{where}: a follow-up needs '{missing}' too", card_id)
        return
    if given or "distractors" in node.keys:
        choices = {"answer": kwargs.get("follow_answer", "")}
        reader.mcq(node, choices, where, card_id)  # the answer itself or twice: reported
        kwargs["distractors"] = choices["distractors"]
        if not given:
            reader.error(node.values["distractors"], f"{where}.distractors: a point card's "
                         "distractors are its follow-up's wrong choices; give 'follow_up' and "
                         "'follow_answer' too", card_id)
        elif not kwargs["distractors"]:
            reader.error(node, f"{where}: a follow-up needs 'distractors' (its wrong choices)",
                         card_id)


def _check_image(reader, node: yn.Map, image_node, kwargs: dict, where: str,
                 card_id: str | None) -> None:
    if image_node is None:
        reader.error(node, f"{where}: a point card needs 'image:' (the map to point on)",
                     card_id)
    elif kwargs.get("image") and not kwargs["image"].lower().endswith(IMAGE_SUFFIXES):
        reader.error(image_node, f"{where}.image: a map must be one of "
                     f"{', '.join(IMAGE_SUFFIXES)}", card_id)


def _numbers(text: str, count: int) -> tuple[float, ...] | None:
    """`count` numbers from 0 to 1 written in a filled-in template ("0.5, 0.4, 0.02")."""
    try:
        values = tuple(float(v) for v in text.replace(",", " ").replace("[", " ")
                       .replace("]", " ").split())
    except ValueError:
        return None
    if len(values) != count or not all(math.isfinite(v) and 0 <= v <= 1 for v in values):
        return None
    return values


def _radius_ok(reader, node, radius: float, where: str, card_id: str | None,
               key: str = "spot") -> bool:
    if 0 < radius <= MAX_RADIUS:
        return True
    reader.error(node, f"{where}.{key}: the radius {radius:g} must be more than 0 and at most "
                 f"{MAX_RADIUS} (a fraction of the map's width)", card_id)
    return False


def _set_choice(kwargs: dict, key: str, value: str) -> None:
    if key == "sides":
        kwargs["both_sides"] = value == "both"
    else:
        kwargs["ask"] = value


def _default_prompts(kwargs: dict) -> None:
    label = kwargs.get("answer", "")
    kwargs.setdefault("front", DEFAULT_CLICK.format(label=label))
    kwargs.setdefault("question", DEFAULT_NAME)
