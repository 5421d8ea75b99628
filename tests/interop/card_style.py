"""A small CSS cascade for the cards Anki renders: which colour, wrap and margin an element gets.

No browser runs in the tests, so this answers "what would a learner see" from the HTML and the
style sheet Anki itself puts together (`card.question()` / `card.answer()`): author rules by
specificity and order, the browser's link colour when no rule sets one, inherited properties
from the parent, the background from the nearest ancestor that paints one. Selectors are
compounds of tag, #id and .class joined by descendant spaces, which is all the shipped sheet
uses; any other combinator fails the parse, so the sheet cannot drift out of what is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

INHERITED = {"color", "overflow-wrap", "font-weight", "word-break"}
USER_AGENT = {("a", "color"): "#0000ee", ("body", "margin"): "8px"}
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}

# How each Anki puts a card on the page: the <body> carries `card` and the night classes.
NIGHT_BODIES = {"desktop": "card card1 nightMode night_mode", "AnkiDroid": "card card1 night_mode",
                "AnkiMobile": "card card1 nightMode"}
LIGHT_BODY = "card card1"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, selector: str) -> list[Element]:
        return [e for e in self.walk() if _matches(selector, e)]

    def find(self, selector: str) -> Element:
        found = self.find_all(selector)
        assert found, f"no element matches {selector!r}"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


@dataclass(frozen=True)
class Rule:
    selector: str
    declarations: dict[str, str]
    order: int

    @property
    def specificity(self) -> tuple[int, int, int]:
        ids = self.selector.count("#")
        classes = len(re.findall(r"\.[\w-]+", self.selector))
        tags = len(re.findall(r"(?:^|\s)[a-z][a-z0-9]*", self.selector))
        return ids, classes, tags


def parse_css(css: str) -> list[Rule]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for order, (selectors, body) in enumerate(re.findall(r"([^{}]+)\{([^{}]*)\}", css)):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip().lower()] = value.strip()
        for selector in selectors.split(","):
            selector = " ".join(selector.split())
            assert not re.search(r"[>+~]", selector), f"unsupported combinator in {selector}"
            rules.append(Rule(selector, declarations, order))
    return rules


_COMPOUND = re.compile(r"^(?P<tag>[a-z][a-z0-9]*|\*)?(?P<rest>(?:[.#][\w-]+)*)$")


def _compound_matches(compound: str, element: Element) -> bool:
    match = _COMPOUND.match(compound)
    assert match, f"unsupported selector part {compound!r}"
    if match["tag"] not in (None, "*", element.tag):
        return False
    for part in re.findall(r"[.#][\w-]+", match["rest"]):
        if part[0] == "." and part[1:] not in element.classes:
            return False
        if part[0] == "#" and element.attrs.get("id") != part[1:]:
            return False
    return True


def _matches(selector: str, element: Element) -> bool:
    *before, last = selector.split()
    if not _compound_matches(last, element):
        return False
    node = element
    for compound in reversed(before):
        node = next((a for a in node.ancestors() if _compound_matches(compound, a)), None)
        if node is None:
            return False
    return True


class Page:
    """One rendered side of a card inside the <body> the given Anki would give it."""

    def __init__(self, rendered: str, body_classes: str) -> None:
        styles = re.findall(r"<style>(.*?)</style>", rendered, flags=re.S)
        self.css = "\n".join(styles)
        self.rules = parse_css(self.css)
        html = re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)
        builder = _Builder()
        builder.feed(f'<html><body class="{body_classes}"><div id="qa">{html}</div></body></html>')
        self.root = builder.root

    def find(self, selector: str) -> Element:
        return self.root.find(selector)

    def declared(self, element: Element, prop: str, pseudo: str = "") -> str | None:
        """The author's value for `prop` on the element itself (or its ::pseudo), if any."""
        best = None
        for rule in self.rules:
            selector, _, rule_pseudo = rule.selector.partition("::")
            if rule_pseudo != pseudo or prop not in rule.declarations:
                continue
            if _matches(selector, element):
                key = (rule.specificity, rule.order)
                if best is None or key >= best[0]:
                    best = (key, rule.declarations[prop])
        if best is not None:
            return best[1]
        return USER_AGENT.get((element.tag, prop))

    def computed(self, element: Element, prop: str) -> str | None:
        node: Element | None = element
        while node is not None and node.tag != "#document":
            value = self.declared(node, prop)
            if value is not None or prop not in INHERITED:
                return value
            node = node.parent
        return None

    def background(self, element: Element) -> str:
        for node in (element, *element.ancestors()):
            if node.tag == "#document":
                break
            value = self.declared(node, "background-color")
            if value and value != "transparent":
                return value
        return "#ffffff"


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.strip().lower()
    named = {"white": "#ffffff", "black": "#000000"}
    colour = named.get(colour, colour)
    assert re.fullmatch(r"#[0-9a-f]{3}|#[0-9a-f]{6}", colour), f"colour {colour!r}"
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
