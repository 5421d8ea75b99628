"""The SQL of today's study queue read as windows, the way Anki does: for `study.queue`.

At 100,000 items, reading every row to order the day's lists costs far more than a student
should wait. Instead each list is read a window at a time in its own order from a covering
index (`ORDER BY due, card_id, ord LIMIT n`, new items by their place in the library from the
registry, `registry`), and the lists' lengths are counted in SQL. What SQL cannot see plainly
(a card answered today, whose other items wait for tomorrow; a card with a review and a new
item; rows buried, new but suspended, of items no longer loaded, or without a due time) is a
"special" card: the
queue reads its few rows whole and works it out in Python (`special_cards`, `card_rows`), and
takes off what the counts here said about it.

Times compare as `time_key` text; `Store` mixes these in, reading through `_tuples`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from omtquiz.progress.types import QueueRow

# The rows SQL's lists take: unsuspended, due before the day's end (?2) for reviews. Burials
# are not looked at: a card with a buried row is special, and the queue takes off whatever
# these counts said of it.
_LEARNING = "state IN (1, 3) AND suspended = 0"
_CHUNK = 400  # card ids looked up in one statement (SQLite allows 32,766 parameters)
_REVIEW = "state = 2 AND suspended = 0 AND due < ?2"


class QueueQueries:
    """The queue's windows and counts, per deck; mixed into `Store`, which supplies `_tuples`."""

    def _tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def queue_counts(self, deck_id: str, end: str) -> tuple[int, int, int]:
        """What SQL sees of the deck today: unsuspended learning rows due before `end`, cards
        with an unsuspended review due before it, and cards with a registered item never seen
        (rows of special cards included). Distinct cards are counted only in a deck with cards
        of several items, where it costs a sort."""
        several = self._tuples("SELECT EXISTS (SELECT 1 FROM item WHERE deck_id = ? "
                               "AND several != 0)", (deck_id,))[0][0]
        cards = "DISTINCT card_id" if several else "*"
        learning = self._tuples(
            f"SELECT count(*) FROM card_state WHERE deck_id = ?1 AND {_LEARNING} AND due < ?2",
            (deck_id, end))[0][0]
        reviews = self._tuples(
            f"SELECT count({cards}) FROM card_state WHERE deck_id = ?1 AND {_REVIEW}",
            (deck_id, end))[0][0]
        new = self._tuples(
            f"SELECT count({cards}) FROM item WHERE deck_id = ? AND seen = 0", (deck_id,))[0][0]
        return learning, reviews, new

    def special_cards(self, deck_id: str, end: str) -> list[str]:
        """Cards of the deck SQL's lists cannot place alone: with a row of an item not
        registered, buried, new but suspended or buried, or without a due time; and cards with
        a review due beside a new item (their new item may wait). Today's answers are the
        queue's to add."""
        rows = self._tuples(
            "SELECT card_id FROM unregistered WHERE deck_id = ?1 "
            "UNION SELECT card_id FROM card_state INDEXED BY card_state_buried "
            "WHERE deck_id = ?1 AND buried_until IS NOT NULL "
            "UNION SELECT card_id FROM card_state WHERE deck_id = ?1 AND state = 0 "
            "AND suspended != 0 "
            "UNION SELECT card_id FROM card_state WHERE deck_id = ?1 AND state IN (1, 2, 3) "
            "AND suspended = 0 AND due IS NULL "
            "UNION SELECT i.card_id FROM item AS i WHERE i.deck_id = ?1 AND i.seen = 0 "
            "AND i.several != 0 AND EXISTS (SELECT 1 FROM card_state AS c "
            "WHERE c.deck_id = ?1 AND c.card_id = i.card_id AND c.state = 2 "
            "AND c.suspended = 0 AND c.due < ?2)", (deck_id, end))
        return [card_id for (card_id,) in rows]

    def card_rows(self, deck_id: str, card_ids: Collection[str],
                  ) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, QueueRow]]]:
        """For the cards: their registered items (card_id, ord, pos), and every row they have,
        registered or not (card_id, ord, queue row). Looked up by key, a few hundred at a time
        (a list given as JSON would be scanned against every row of the deck)."""
        ids = list(card_ids)
        items: list[tuple[Any, ...]] = []
        rows: list[tuple[str, int, QueueRow]] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            items += self._tuples("SELECT card_id, ord, pos FROM item WHERE deck_id = ? "
                                  f"AND card_id IN ({marks})", (deck_id, *chunk))
            rows += [(card_id, ord_, (state, due, suspended, buried)) for
                     card_id, ord_, state, due, suspended, buried in self._tuples(
                         "SELECT card_id, ord, state, due, suspended, buried_until "
                         # Unled, the planner prefers the covering tally index's whole deck.
                         "FROM card_state INDEXED BY sqlite_autoindex_card_state_1 "
                         f"WHERE deck_id = ? AND card_id IN ({marks})",
                         (deck_id, *chunk))]
        return items, rows

    def learning_window(self, deck_id: str, after: tuple[str, str, int] | None,
                        limit: int) -> list[tuple[str, str, int]]:
        """Up to `limit` unsuspended learning rows (due, card_id, ord) in that order, after
        `after`: one window per learning state, merged."""
        rows: list[tuple[str, str, int]] = []
        for state in (1, 3):
            rows += self._window(
                "SELECT due, card_id, ord FROM card_state WHERE deck_id = ?1 "
                f"AND state = {state} AND suspended = 0", (deck_id,),
                after, limit)
        rows.sort()
        return rows[:limit]

    def review_window(self, deck_id: str, end: str, after: tuple[str, str, int] | None,
                      limit: int) -> list[tuple[str, str, int]]:
        """Up to `limit` unsuspended review rows (due, card_id, ord) due before `end`, after
        `after`."""
        return self._window(
            f"SELECT due, card_id, ord FROM card_state WHERE deck_id = ?1 AND {_REVIEW}",
            (deck_id, end), after, limit)

    def _window(self, sql: str, params: tuple[Any, ...], after: tuple[str, str, int] | None,
                limit: int) -> list[tuple[str, str, int]]:
        if after is not None:
            sql += " AND (due, card_id, ord) > (?, ?, ?)"  # numbered on from the last ?N
            params = (*params, *after)
        return self._tuples(f"{sql} ORDER BY due, card_id, ord LIMIT {int(limit)}", params)

    def new_window(self, deck_id: str, after: int, limit: int) -> list[tuple[int, str, int]]:
        """Up to `limit` registered items never seen (pos, card_id, ord), by place, after
        place `after`."""
        return self._tuples(
            "SELECT pos, card_id, ord FROM item WHERE deck_id = ? AND seen = 0 AND pos > ? "
            f"ORDER BY pos LIMIT {int(limit)}", (deck_id, after))
