"""An occlusion card's shapes saved with its progress following the shapes, and undone so.

An occlusion card's study items are numbered by the order their shapes are listed, and the
progress store keys state and review log by that number. The shape editor's save renumbers the
items after a deleted shape (`decks.format.editor.plan_shapes` says which became which); here
the file write and the store's renumbering (`Store.move_items`) happen together:

- the store's transaction is opened and the rows moved, then the deck file is written
  (atomically, a rename) inside it, then the transaction commits. A failure before the rename
  (the store refusing, the file unwritable) rolls everything back: file and progress as they
  were. A failure of the commit after the rename puts the file back and says so. Only a crash
  in the instant between the rename and the commit leaves the file edited and the progress
  numbered as before, which is what every edit did before this module;
- an item gone (its shape or whole group deleted) keeps its rows, set aside by the store under
  a number no item has, so its reviews are never deleted and never land on another shape;
- undo moves the rows back the same way, with the file put back.

Progress moves only when the file edited is the one the library loaded for that deck id (an
author's copy elsewhere with the same id has no progress of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from omtquiz.decks.format.editor import Edit, EditError, plan_shapes
from omtquiz.decks.model import Item, Library, Shape
from omtquiz.progress.db import StoreError
from omtquiz.progress.store import Store
from omtquiz.study.changes import Changes


@dataclass(frozen=True)
class ShapeEdit:
    """A saved shape edit: the file's `Edit` and the item numbers the store moved with it."""

    edit: Edit
    store: Store | None
    moved: tuple[tuple[int, int], ...] = ()  # (old ord, new ord) as the store moved them

    @property
    def path(self) -> Path:
        return self.edit.path

    @property
    def card_id(self) -> str:
        return self.edit.card_id

    @property
    def changes(self) -> Changes:
        """The items whose stored progress moved (the review log's rows moved with them)."""
        return _changes(self.edit.deck_id, self.card_id, self.moved)

    def undo(self) -> Changes:
        """Put the file back and the progress with it; refused (EditError, nothing changed)
        once the file changed since the edit or when the store cannot move the rows back."""
        if self.store is None or not self.moved:
            self.edit.undo()
            return Changes()
        back = {new: old for old, new in self.moved}
        done = _together(self.store, self.edit.deck_id, self.card_id, back,
                         write=self.edit.undo, unwrite=self.edit.apply)
        return _changes(self.edit.deck_id, self.card_id, tuple(done.items()))


def save_shapes(store: Store | None, library: Library | None, path: str | Path, card_id: str,
                shapes: Sequence[Shape], mode: str | None = None, front: str | None = None,
                origins: Sequence[int | None] | None = None) -> ShapeEdit:
    """Write the card's shapes (as `editor.set_shapes`) and move the progress of the items it
    renumbers to their new numbers with it. Raises EditError (nothing changed) when refused."""
    edit = plan_shapes(Path(path), card_id, shapes, mode, front, origins)
    if store is None or not edit.moves or not _loaded_from(library, edit):
        edit.apply()
        return ShapeEdit(edit, None)
    done = _together(store, edit.deck_id, card_id, dict(edit.moves),
                     write=edit.apply, unwrite=edit.undo)
    return ShapeEdit(edit, store, tuple(done.items()))


def _loaded_from(library: Library | None, edit: Edit) -> bool:
    deck = library.deck(edit.deck_id) if library is not None else None
    return deck is not None and Path(deck.path).resolve() == edit.path.resolve()


def _together(store: Store, deck_id: str, card_id: str, moves: Mapping[int, int | None], *,
              write: Callable[[], None], unwrite: Callable[[], None]) -> dict[int, int]:
    """The rows moved and the file written in one store transaction (see the module's notes)."""
    written = False
    try:
        with store.batch():
            done = store.move_items(deck_id, card_id, moves)
            write()
            written = True
    except StoreError as exc:
        if written:  # the commit failed after the file was renamed into place
            try:
                unwrite()
            except (EditError, OSError) as again:
                raise EditError(f"the progress could not be moved ({exc}) and the deck file "
                                f"could not be put back ({again}): the items after the "
                                "changed shapes now show the progress of others") from exc
        raise EditError(f"not saved: the progress could not be moved ({exc}); the deck file "
                        "and the progress are as they were") from exc
    return done


def _changes(deck_id: str, card_id: str, moved: Sequence[tuple[int, int]]) -> Changes:
    ords = {o for pair in moved for o in pair if o >= 0}
    return Changes.of_items((Item(deck_id, card_id, o) for o in ords), answers=bool(moved))
