"""Which study item an occlusion card's item became after its shapes were edited
(`shape_edit.item_moves`): items follow their shapes by identity, not by their place."""

from __future__ import annotations

from omtquiz.decks.model import Shape
from omtquiz.decks.shape_edit import item_moves


def shape(n: int, group: str | None = None) -> Shape:
    return Shape("rect", (0.1 * n, 0.1, 0.05, 0.05), f"label {n}", group)


def without(shapes: list[Shape], *gone: int) -> tuple[list[Shape], list[int | None]]:
    kept = [i for i in range(len(shapes)) if i not in gone]
    return [shapes[i] for i in kept], list(kept)


def test_deleting_a_lone_shape_moves_the_items_after_it_and_drops_its_own():
    old = [shape(n) for n in range(5)]
    new, origins = without(old, 1)
    assert item_moves(old, new, origins) == {0: 0, 1: None, 2: 1, 3: 2, 4: 3}


def test_deleting_a_grouped_shape_that_leaves_its_group_changes_no_item():
    old = [shape(0), shape(1, "a"), shape(2, "a"), shape(3)]
    new, origins = without(old, 1)
    assert item_moves(old, new, origins) == {0: 0, 1: 1, 2: 2}


def test_deleting_a_whole_group_drops_its_item_only():
    old = [shape(0, "a"), shape(1), shape(2, "a"), shape(3)]
    new, origins = without(old, 0, 2)
    assert item_moves(old, new, origins) == {0: None, 1: 0, 2: 1}


def test_a_group_whose_first_shape_goes_moves_behind_the_shapes_before_its_next():
    old = [shape(0, "a"), shape(1), shape(2, "a")]  # items: a, 1
    new, origins = without(old, 0)  # items: 1, a
    assert item_moves(old, new, origins) == {0: 1, 1: 0}


def test_a_renamed_group_keeps_its_item_and_a_new_shape_starts_fresh():
    old = [shape(0), shape(1, "a"), shape(2, "a")]
    new = [old[0], Shape("rect", (0.5, 0.5, 0.1, 0.1), "new"), *(
        Shape(s.kind, s.coords, s.label, "b") for s in old[1:])]
    assert item_moves(old, new, [0, None, 1, 2]) == {0: 0, 1: 2}


def test_a_group_made_of_other_shapes_under_an_old_name_is_a_new_item():
    old = [shape(0, "a"), shape(1)]
    new = [shape(1), Shape("rect", (0.5, 0.5, 0.1, 0.1), "drawn", "a")]
    assert item_moves(old, new, [1, None]) == {0: None, 1: 0}


def test_a_lone_shape_put_into_a_group_is_no_longer_its_own_item():
    old = [shape(0, "a"), shape(1), shape(2)]
    new = [old[0], Shape("rect", old[1].coords, old[1].label, "a"), old[2]]
    assert item_moves(old, new, [0, 1, 2]) == {0: 0, 1: None, 2: 1}


def test_nothing_changed_maps_every_item_to_itself():
    old = [shape(0), shape(1, "g"), shape(2), shape(3, "g")]
    assert item_moves(old, list(old), [0, 1, 2, 3]) == {0: 0, 1: 1, 2: 2}
