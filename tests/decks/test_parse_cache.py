"""The parse cache: a hit needs no YAML at all, and any change to the bytes is a miss."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from omtquiz.decks.format.cache import ParseCache
from omtquiz.decks.format.library import load_library

DECK = ("deck: c\ntitle: Cached\nsources: [{id: s, citation: C}]\ncards:\n"
        "  - {id: a, front: Question one, back: Answer one, source: s}\n")


def load_without_yaml(deck: Path, cache: Path) -> subprocess.CompletedProcess:
    """Load in a process where importing yaml fails: only a cache hit can succeed."""
    code = ("import sys; sys.modules['yaml'] = None\n"
            "from pathlib import Path\n"
            "from omtquiz.decks.format.cache import ParseCache\n"
            f"r = ParseCache(Path({str(cache)!r})).load(Path({str(deck)!r}))\n"
            "print(r.deck.card('a').back)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_a_second_load_comes_from_the_cache_without_yaml(tmp_path):
    deck = tmp_path / "c.yaml"
    deck.write_text(DECK)
    cold = load_without_yaml(deck, tmp_path / "cache")
    assert cold.returncode != 0 and "yaml" in cold.stderr  # the first load needs the parser
    ParseCache(tmp_path / "cache").load(deck)
    warm = load_without_yaml(deck, tmp_path / "cache")
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.strip() == "Answer one"


def test_same_size_and_time_but_other_bytes_is_a_miss(tmp_path):
    deck = tmp_path / "c.yaml"
    deck.write_text(DECK)
    cache = ParseCache(tmp_path / "cache")
    stat = deck.stat()
    assert cache.load(deck).deck.card("a").back == "Answer one"
    deck.write_text(DECK.replace("Answer one", "Answer two"))
    os.utime(deck, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert deck.stat().st_size == stat.st_size
    assert cache.load(deck).deck.card("a").back == "Answer two"


def test_a_damaged_entry_is_ignored(tmp_path):
    deck = tmp_path / "c.yaml"
    deck.write_text(DECK)
    cache = ParseCache(tmp_path / "cache")
    cache.load(deck)
    (entry,) = (tmp_path / "cache" / "decks").glob("*.pickle")
    entry.write_bytes(b"\x80\x05garbage")
    assert cache.load(deck).deck.card("a").front == "Question one"


def test_library_with_a_cache_equals_library_without(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "c.yaml").write_text(DECK)
    (tmp_path / "d" / "bad.yaml").write_text("deck: x\ntitle: T\ncards: [1]\n")
    plain = load_library([tmp_path / "d"])
    for _ in range(2):
        cached = load_library([tmp_path / "d"], cache_dir=tmp_path / "cache")
        assert cached.files == plain.files


def test_an_edit_after_hashing_is_never_stored_under_the_old_hash(tmp_path, monkeypatch):
    """The bytes hashed are the bytes parsed: an edit landing between the cache's read and the
    parse must not store the new deck under the old bytes' hash (a later hit would be stale)."""
    from omtquiz.decks.format import cache as cache_module
    from omtquiz.digest import blake2b

    deck = tmp_path / "c.yaml"
    deck.write_text(DECK)
    edited = DECK.replace("Answer one", "Answer two")

    def hash_then_edit(data, digest_size=64):
        digest = blake2b(data, digest_size=digest_size)
        if digest_size == 32:  # the content's digest, not the entry's name
            deck.write_text(edited)  # the author saves again just after the cache read it
        return digest

    monkeypatch.setattr(cache_module, "blake2b", hash_then_edit)
    cache = ParseCache(tmp_path / "cache")
    assert cache.load(deck).deck.card("a").back == "Answer one"  # what was hashed
    monkeypatch.undo()
    (entry,) = (tmp_path / "cache" / "decks").glob("*.pickle")
    stored = ParseCache._read(entry, blake2b(DECK.encode(), digest_size=32).digest())
    assert stored is not None and stored.deck.card("a").back == "Answer one"
    assert cache.load(deck).deck.card("a").back == "Answer two"  # the edit: a miss, parsed
    deck.write_text(DECK)
    assert cache.load(deck).deck.card("a").back == "Answer one"


def test_bytes_given_to_the_loader_are_checked_as_a_file_is(tmp_path):
    from omtquiz.decks.format.loader import load_deck_file

    def seen(path, **kwargs):
        return [str(d) for d in load_deck_file(path, **kwargs).diagnostics]

    bad = tmp_path / "bad.yaml"
    bad.write_bytes(DECK.encode().replace(b"Answer", b"Answ\xe9r"))
    assert seen(bad, data=bad.read_bytes()) == seen(bad)
    assert "not UTF-8: byte 0xe9" in seen(bad)[0]
    big = tmp_path / "big.yaml"
    big.write_text(DECK + "# padding\n" * 300_000)
    assert seen(big, data=big.read_bytes(), max_bytes=2**20) == seen(big, max_bytes=2**20)
    assert "MiB are refused" in seen(big, max_bytes=2**20)[0]


def test_cards_written_in_batches_come_back_whole_and_in_order(tmp_path, monkeypatch):
    """An entry holds the cards a batch at a time: more cards than a batch, a last batch that
    is not full, and a file with no deck all read back equal to a parse without the cache."""
    from omtquiz.decks.format import cache as cache_module

    monkeypatch.setattr(cache_module, "_BATCH", 3)
    (tmp_path / "d").mkdir()
    cards = "".join(f"  - {{id: c{n}, front: Question {n}, back: Answer {n}, source: s}}\n"
                    for n in range(10))
    (tmp_path / "d" / "many.yaml").write_text(DECK.split("cards:\n")[0] + "cards:\n" + cards)
    (tmp_path / "d" / "nodeck.yaml").write_text("deck: x\ncards: []\n")
    plain = load_library([tmp_path / "d"])
    assert [len(f.deck.cards) if f.deck else None for f in plain.files] == [10, None]
    first = load_library([tmp_path / "d"], cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache" / "decks").glob("*.pickle"))) == 2
    cached = load_library([tmp_path / "d"], cache_dir=tmp_path / "cache")
    assert first.files == plain.files and cached.files == plain.files
    many = cached.files[0].deck
    assert [c.id for c in many.cards] == [f"c{n}" for n in range(10)]
    assert many.card("c7").back == "Answer 7"  # the index is made again on a hit


def test_a_counterstrain_drill_comes_back_from_the_cache_without_the_drill_engine(tmp_path):
    """Its tender points are kept packed: a warm start that shows no drill loads no engine,
    and the first use unpacks them into the very points a fresh parse makes."""
    bundled = Path(__file__).resolve().parents[2] / "decks"
    (deck,) = bundled.glob("22-*.yaml")
    cache = tmp_path / "cache"
    fresh = ParseCache(cache).load(deck).deck  # a miss: parsed, then written
    (spec,) = {c.drill for c in fresh.cards if c.drill and c.drill.region == "counterstrain"}
    assert len(spec.points) > 20
    code = ("import sys\nfrom pathlib import Path\n"
            "from omtquiz.decks.format.cache import ParseCache\n"
            f"d = ParseCache(Path({str(cache)!r})).load(Path({str(deck)!r})).deck\n"
            "spec = next(c.drill for c in d.cards\n"
            "            if c.drill and c.drill.region == 'counterstrain')\n"
            "print(sorted(m for m in sys.modules if m.startswith('omtquiz.drills')))\n"
            "print(len(spec.points), spec.points[0].name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('omtquiz.drills')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    before, used, after = out.stdout.splitlines()
    assert before == "[]"
    assert used == f"{len(spec.points)} {spec.points[0].name}"
    assert "omtquiz.drills.counterstrain" in after
    warm = ParseCache(cache).load(deck).deck
    (again,) = {c.drill for c in warm.cards if c.drill and c.drill.region == "counterstrain"}
    assert again == spec and tuple(again.points) == tuple(spec.points)
