"""Note GUIDs are made as genanki makes them (a re-import must find the notes of earlier
exports), by a faster route: the same text for the same values, edge numbers included."""

from __future__ import annotations

import random

import genanki

from omtquiz.interop.anki_export import base91, guid_for, note_guid


def _genanki_base91(number: int) -> str:
    """genanki.util.guid_for's digit loop, as it is written there."""
    table = genanki.util.BASE91_TABLE
    digits = []
    while number > 0:
        digits.append(table[number % len(table)])
        number //= len(table)
    return "".join(reversed(digits))


def test_base91_matches_genanki_at_the_edges_and_between():
    rng = random.Random(3)
    numbers = [0, 1, 90, 91, 92, 8280, 8281, 8282, 91**3 - 1, 91**3, 2**63, 2**64 - 1]
    numbers += [rng.randrange(2**64) for _ in range(20_000)]
    numbers += [rng.randrange(91**rng.randint(1, 9)) for _ in range(5_000)]
    for number in numbers:
        assert base91(number) == _genanki_base91(number), number


def test_guids_are_genankis():
    rng = random.Random(4)
    for _ in range(5_000):
        values = [rng.choice(["deck", "é日本", "", "a b"]) + str(rng.random())
                  for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            values.append(rng.randint(0, 9))
        assert guid_for(*values) == genanki.guid_for(*values)
    assert note_guid("omt-techniques", "rib-raising") == genanki.guid_for("omt-techniques",
                                                                          "rib-raising")
