"""The deck schema as VS Code shows it: run through the real yaml-language-server.

Skipped where node and npm are missing; elsewhere the server is installed once per module from
the npm registry into a temporary folder (about 6 s) and every check below takes it a few
seconds more. Each bundled deck is opened where a student meets it — the checkout, a wheel
install's `omtquiz/_bundled/decks/`, a profile whose path has a space (copied by the app and by
hand), a deck written by `new-deck` or `import` in a folder with a space — and must load its
schema and agree with `omtquiz validate`: no problem on a clean deck, errors on a broken one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from yaml_ls import YamlLanguageServer, install

from omtquiz.cli import main
from omtquiz.decks.format.editor import copy_deck
from omtquiz.decks.format.files import find_deck_files
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "decks"

pytestmark = pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")),
                                reason="needs node and npm for yaml-language-server")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    script = install(tmp_path_factory.mktemp("yaml-language-server"))
    ls = YamlLanguageServer(script, ROOT)
    yield ls
    ls.close()


def _check(server, path: Path) -> None:
    """Clean as the loader says, and so says the server, which did load the schema: hovering
    over the deck id shows the schema's description of it."""
    assert load_deck_file(path).ok
    problems = server.open(path)
    assert problems == [], f"{path}: {[p['message'] for p in problems]}"
    line = path.read_text(encoding="utf-8").split("\n").index(
        next(t for t in path.read_text(encoding="utf-8").split("\n") if t.startswith("deck:")))
    assert "Stable deck id" in server.hover(path, line, 1), path


def _bundled() -> list[Path]:
    decks = find_deck_files([BUNDLED])
    assert len(decks) >= 10
    return decks


def test_bundled_decks_in_the_checkout_and_in_a_wheel_install(server, tmp_path):
    wheel = tmp_path / "site-packages" / "omtquiz" / "_bundled" / "decks"
    shutil.copytree(BUNDLED, wheel)  # the wheel maps decks/ to omtquiz/_bundled/decks/
    for path in _bundled():
        _check(server, path)
        _check(server, wheel / path.name)


def test_the_old_relative_line_breaks_in_a_wheel_as_the_issue_saw(server, tmp_path):
    wheel = tmp_path / "omtquiz" / "_bundled" / "decks" / "old.yaml"
    wheel.parent.mkdir(parents=True)
    text = _bundled()[0].read_text(encoding="utf-8").split("\n", 1)[1]
    wheel.write_text("# yaml-language-server: $schema=../omtquiz/decks/format/deck.schema.json\n"
                     + text, encoding="utf-8")
    assert any("Unable to load schema" in p["message"] for p in server.open(wheel))


def test_decks_copied_into_a_profile_with_a_space_in_its_path(server, tmp_path):
    profile = Profile.open(tmp_path / "My Data")
    for path in _bundled():
        by_app = copy_deck(path, profile.dirs.user_decks / "copied by the app",
                           profile.dirs.schema)
        _check(server, by_app)
        by_hand = profile.dirs.user_decks / path.name
        shutil.copyfile(path, by_hand)
        _check(server, by_hand)


def test_new_deck_and_import_in_a_folder_with_a_space(server, tmp_path, data_dir, capsys):
    folder = tmp_path / "my decks"
    assert main(["new-deck", str(folder / "new one.yaml"), "--title", "Cranial"]) == 0
    _check(server, folder / "new one.yaml")
    table = tmp_path / "terms.tsv"
    table.write_text("HVLA\tHigh velocity, low amplitude\nME\tMuscle energy\n", encoding="utf-8")
    assert main(["import", str(table), "-o", str(folder / "terms.yaml")]) == 0
    line = (folder / "terms.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert line == f"# yaml-language-server: $schema={Profile.open().dirs.schema.as_uri()}"
    _check(server, folder / "terms.yaml")


HEAD = "deck: s\ntitle: T\nsources: [{id: s, citation: C}]\ncards:\n"
_probes = iter(range(1_000_000))


def _probe(tmp_path: Path, text: str) -> Path:
    """A new file (the server is shown each file once) naming the shipped schema."""
    path = tmp_path / "decks" / f"probe-{next(_probes)}.yaml"
    path.parent.mkdir(exist_ok=True)
    schema = ROOT / "omtquiz" / "decks" / "format" / "deck.schema.json"
    path.write_text(f"# yaml-language-server: $schema={schema.as_uri()}\n{HEAD}{text}",
                    encoding="utf-8")
    return path


def _messages(server, tmp_path, body: str) -> list[str]:
    path = _probe(tmp_path, body)
    assert not load_deck_file(path).ok  # the loader refuses each of these too
    return [p["message"] for p in server.open(path)]


def test_messages_say_what_is_wrong_in_words(server, tmp_path):
    for number in ("0", "501"):
        body = f"  - {{id: a, type: cloze, text: '{{{{c{number}::x}}}} y'}}\n"
        assert _messages(server, tmp_path, body) == [
            "Cloze deletions are numbered 1 to 500: write {{c1::...}}, {{c2::...}}; not "
            "{{c0::...}} or above {{c500::...}}."]
    assert _messages(server, tmp_path, "  - {id: a, type: cloze, text: no deletion}\n") == [
        "A cloze needs at least one deletion: {{c1::answer}} or {{c1::answer::hint}}."]
    assert _messages(server, tmp_path, "  - {id: a, front: q, back: ''}\n") == [
        "Empty text: write something, or leave the key out."]
    tag = _messages(server, tmp_path, "  - {id: a, front: q, back: a, tags: [two words]}\n")
    assert tag == ["A tag is one word of at most 100 characters: join words with - or _ "
                   "(e.g. lower-limb)."]
    for body in ("  - {id: a, type: cloze, text: '{{c0::x}}'}\n", "  - {id: a, front: q}\n"):
        assert not any("not allowed" in m or "\"^" in m for m in _messages(server, tmp_path,
                                                                            body))


def _completion(server, tmp_path, text: str) -> list[dict]:
    """Completion items at the end of `text`'s last line."""
    path = _probe(tmp_path, text)
    server.open(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    return server.complete(path, len(lines) - 1, len(lines[-1]))


def test_completion_offers_what_fits_and_nothing_odd(server, tmp_path):
    after_text = _completion(server, tmp_path, "  - id: a\n    front: q\n    back: ")
    assert not {"true", "false"} & {i["label"] for i in after_text}
    in_mcq = {i["label"] for i in _completion(
        server, tmp_path, "  - id: a\n    type: mcq\n    question: q\n    ")}
    assert {"answer", "distractors", "explanation"} <= in_mcq
    assert not {"front", "back", "text", "extra"} & in_mcq
    in_basic = {i["label"] for i in _completion(server, tmp_path, "  - id: a\n    ")}
    assert {"front", "back", "distractors"} <= in_basic and "question" not in in_basic
    in_reverse = {i["label"] for i in _completion(
        server, tmp_path, "  - id: a\n    type: reverse\n    ")}
    assert {"front", "back"} <= in_reverse and not {"question", "distractors"} & in_reverse
    assert {"basic card", "reverse card", "cloze card", "mcq card", "occlusion card",
            "point card"} <= in_basic  # snippets
    assert not {"shapes", "mode", "spot", "label", "sides", "ask"} & in_basic
    in_occlusion = {i["label"] for i in _completion(
        server, tmp_path, "  - id: a\n    type: occlusion\n    image: x.svg\n    ")}
    assert {"shapes", "mode", "extra"} <= in_occlusion and not {"spot", "back"} & in_occlusion
    in_point = {i["label"] for i in _completion(
        server, tmp_path, "  - id: a\n    type: point\n    image: x.svg\n    ")}
    assert {"spot", "label", "sides", "ask"} <= in_point and not {"shapes", "back"} & in_point
    types = _completion(server, tmp_path, "  - id: a\n    type: ")
    docs = {i["label"]: i.get("documentation") for i in types}
    assert set(docs) == {"basic", "reverse", "cloze", "mcq", "occlusion", "point"}
    assert len(set(docs.values())) == 6 and all(docs.values())


def test_misspelt_keys_with_disable_additional_properties(server, tmp_path):
    # docs/writing-decks.md tells authors to set yaml.disableAdditionalProperties for these.
    strict = YamlLanguageServer(server.script, ROOT, {"disableAdditionalProperties": True})
    try:
        for path in _bundled():
            assert strict.open(path) == [], path.name
        probe = _probe(tmp_path, "  - id: a\n    front: q\n    bakc: x\n    back: y\n")
        assert [p["message"] for p in strict.open(probe)] == ["Property bakc is not allowed."]
    finally:
        strict.close()


def test_answer_and_answer_from_together_are_flagged_where_validate_flags_them(server,
                                                                             tmp_path):
    """Was "Matches multiple schemas" on the rule's first line; now our words, on the line of
    `answer_from:` that `omtquiz validate` names."""
    path = tmp_path / "decks" / "both.yaml"
    path.parent.mkdir(exist_ok=True)
    schema = ROOT / "omtquiz" / "decks" / "format" / "deck.schema.json"
    path.write_text(
        f"# yaml-language-server: $schema={schema.as_uri()}\n"
        "deck: s\ntitle: T\nsources: [{id: s, citation: C}]\n"
        "records:\n  - {id: me, name: Muscle energy, contraindications: [Fracture], source: s}\n"
        "generate:\n  - id: contra\n    type: mcq\n    question: 'Which is against {name}?'\n"
        "    answer: '{name}'\n    answer_from: contraindications\n", encoding="utf-8")
    [ours] = [d for d in load_deck_file(path).diagnostics if d.is_error]
    assert "give either 'answer' or 'answer_from', not both" in ours.message
    problems = server.open(path)
    assert [(p["range"]["start"]["line"] + 1, p["message"]) for p in problems] == [
        (ours.line, "Give either 'answer' or 'answer_from', not both.")]
