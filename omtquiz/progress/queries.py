"""Read-only statistics queries on the progress database, for `study.stats`.

At 100,000 items, building records only to count them takes seconds; SQLite counts in
milliseconds and hands back a few values. Each query takes `deck_ids` (None for every deck) and
`excluded` (items to leave out), so the counts cover exactly the items of the decks loaded.
Times compare as `time_key` text. `Store` mixes these in; they only read, through `_tuples`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from itertools import pairwise
from typing import Any, NamedTuple

from omtquiz.decks.model import Item
from omtquiz.progress.rows import ALL_CARD_COLUMNS, row_record
from omtquiz.progress.types import ItemRecord, time_key


class DeckTally(NamedTuple):
    """One deck's rows: how many, suspended, not new, learning, due today and neither
    suspended nor buried."""

    deck_id: str
    rows: int
    suspended: int
    seen: int
    learning: int
    due: int


class DeckStages(NamedTuple):
    """One deck's card ids by stage, one per item not new (mature is a part of review)."""

    deck_id: str
    learning: list[str]
    review: list[str]
    mature: list[str]


class AnswerRow(NamedTuple):
    """One answer of the review log; `due` and `last_review` (before the answer, ISO text)
    only for review-screen answers on cards in review, what true retention counts."""

    deck_id: str
    card_id: str
    ord: int
    reviewed_at: str
    rating: int
    duration_ms: int | None
    mode: str
    state_before: int
    due: str | None
    last_review: str | None


class StatisticsQueries:
    """The statistics screen's counts, as SQL; mixed into `Store`, which supplies `_tuples`."""

    def _tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    KEY_SEP = "\x1f"  # between card id and ord in the item keys `deck_tallies` returns
    _LIST_SEP = "\x1e"

    @staticmethod
    def _restrict(deck_ids: Collection[str] | None, excluded: Collection[Item],
                  keep: bool = False) -> tuple[str, list[Any]]:
        """An SQL condition on deck_id, card_id and ord for `deck_ids` less `excluded` (or,
        with `keep`, only `excluded`)."""
        clauses, params = ["1"], []
        if deck_ids is not None:
            # Unary plus: a scan beats the primary key index when most rows match.
            clauses.append("+deck_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(deck_ids)))
        if excluded:
            # One text per item, as SQLite searches row values in a list one by one; the deck
            # id's length keeps it unambiguous. SQL's length() counts characters, as len() does.
            clauses.append("length(deck_id) || ':' || deck_id || card_id || char(31) || ord "
                           f"{'' if keep else 'NOT '}IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([f"{len(i.deck_id)}:{i.deck_id}{i.card_id}\x1f{i.ord}"
                                      for i in excluded]))
        return " AND ".join(clauses), params

    def deck_tallies(self, now: datetime, day_end: datetime,
                     deck_ids: Collection[str] | None = None, excluded: Collection[Item] = (),
                     ) -> list[DeckTally]:
        """Per deck with rows, its tally: due means before `day_end`, and buried means at
        `now`. Counted from the covering index `card_state_tally`; the rows of `excluded`
        (few) are counted apart and taken off."""
        restrict, params = self._restrict(deck_ids, ())
        counts = self._tally(restrict, params, time_key(now), time_key(day_end))
        if excluded:
            chosen, chosen_params = self._restrict(None, excluded, keep=True)
            for deck_id, less in self._tally(f"{restrict} AND {chosen}",
                                             [*params, *chosen_params], time_key(now),
                                             time_key(day_end)).items():
                counts[deck_id] = [a - b for a, b in zip(counts[deck_id], less, strict=True)]
        return [DeckTally(deck_id, *values) for deck_id, values in counts.items() if values[0]]

    def _tally(self, restrict: str, params: list[Any], now: str, end: str,
               ) -> dict[str, list[int]]:
        """deck_id: [rows, suspended, seen, learning, due] of the rows `restrict` keeps."""
        counts: dict[str, list[int]] = {}
        for deck_id, state, suspended, count in self._tuples(
                "SELECT deck_id, state, suspended, count(*) FROM card_state "
                f"WHERE {restrict} GROUP BY deck_id, state, suspended", params):
            tally = counts.setdefault(deck_id, [0, 0, 0, 0, 0])
            tally[0] += count
            tally[1] += count if suspended else 0
            tally[2] += count if state != 0 else 0
            tally[3] += count if state in (1, 3) else 0
        for deck_id, due in self._tuples(
                "SELECT deck_id, count(*) FROM card_state WHERE state != 0 AND suspended = 0 "
                "AND due < ? AND (buried_until IS NULL OR buried_until <= ?) "
                f"AND {restrict} GROUP BY deck_id", [end, now, *params]):
            counts[deck_id][4] += due
        return counts

    def due_counts(self, bounds: list[datetime], deck_ids: Collection[str] | None = None,
                   excluded: Collection[Item] = ()) -> list[int]:
        """Unsuspended items that are not new, counted by how many of the sorted `bounds` their
        due time has reached; those due at the last bound or later are not counted. One range
        count per bound, on the index `card_state_due`."""
        if not bounds:
            return []
        restrict, params = self._restrict(deck_ids, excluded)
        spans = [["", time_key(bounds[0])]]
        spans += [[time_key(lo), time_key(hi)] for lo, hi in pairwise(bounds)]
        return [count for (count,) in self._tuples(
            "SELECT (SELECT count(*) FROM card_state WHERE due >= json_extract(value, '$[0]') "
            "AND due < json_extract(value, '$[1]') AND state != 0 AND suspended = 0 "
            f"AND {restrict}) FROM json_each(?) ORDER BY key", [*params, json.dumps(spans)])]

    def struggled(self, min_answers: int, limit: int, deck_ids: Collection[str] | None = None,
                  excluded: Collection[Item] = ()) -> list[tuple[ItemRecord, int, int]]:
        """Up to `limit` items that lapsed (forgotten in review at least once) and have at
        least `min_answers` answers logged: most lapses first, then the lowest share of logged
        answers not rated Again, then the highest difficulty, then by item. Each with its
        count of logged answers and of those rated Again."""
        restrict, params = self._restrict(deck_ids, excluded)
        # Lapsed items are few: their answers are counted one by one through the log's index
        # on the item, not by grouping the whole log.
        of_item = ("FROM review_log AS log WHERE log.deck_id = card_state.deck_id "
                   "AND log.card_id = card_state.card_id AND log.ord = card_state.ord")
        sql = (f"SELECT {', '.join(ALL_CARD_COLUMNS)}, (SELECT count(*) {of_item}) AS answers, "
               f"(SELECT count(*) {of_item} AND log.rating = 1) AS failed FROM card_state "
               f"WHERE state != 0 AND lapses > 0 AND {restrict} AND answers >= ? "
               "ORDER BY lapses DESC, CAST(answers - failed AS REAL) / answers, "
               "ifnull(difficulty, 0) DESC, deck_id, card_id, ord LIMIT ?")
        return [(row_record(row[:-2]), row[-2], row[-1])
                for row in self._tuples(sql, [*params, min_answers, max(0, limit)])]

    def stage_cards(self, mature_days: int, deck_ids: Collection[str] | None = None,
                    excluded: Collection[Item] = ()) -> list[DeckStages]:
        """Per deck with items that are not new, the card id of each item: learning, in review,
        and in review with an interval of `mature_days` or more (a part of those in review)."""
        restrict, params = self._restrict(deck_ids, excluded)
        # The interval in julianday's milliseconds, within 2 of the true one; the few within 2
        # of the line are compared as text: due against last_review moved on by whole days.
        mature = ("state = 2 AND CASE min(max(CAST(round((julianday(due) - julianday(last_review))"
                  " * 86400000) AS INTEGER) - ?, 0), 4) WHEN 0 THEN 0 WHEN 4 THEN 1 ELSE due >= "
                  "strftime('%Y-%m-%dT%H:%M:%S', substr(last_review, 1, 19), ?) "
                  "|| substr(last_review, 20) END")
        mature_ms = int(mature_days) * 86_400_000
        params = [mature_ms - 2, f"+{int(mature_days)} days", *params]
        rows = self._tuples(
            "SELECT deck_id, sum(state != 2), sum(state = 2), "
            "group_concat(CASE WHEN state != 2 THEN card_id END, char(30)), "
            "group_concat(CASE WHEN state = 2 THEN card_id END, char(30)), "
            f"group_concat(CASE WHEN {mature} THEN card_id END, char(30)) "
            f"FROM card_state WHERE state != 0 AND {restrict} GROUP BY deck_id", params)
        result = []
        for deck_id, learning, review, *lists in rows:
            learning_ids, review_ids, mature_ids = (
                joined.split(self._LIST_SEP) if joined else [] for joined in lists)
            if len(learning_ids) != learning or len(review_ids) != review:
                # A card id holds the separator: read them one by one.
                learning_ids, review_ids, mature_ids = [], [], []
                for card_id, state, is_mature in self._tuples(
                        f"SELECT card_id, state, ifnull({mature}, 0) FROM card_state "
                        f"WHERE deck_id = ? AND state != 0 AND {restrict}",
                        [*params[:2], deck_id, *params[2:]]):
                    (learning_ids if state != 2 else review_ids).append(card_id)
                    if is_mature:
                        mature_ids.append(card_id)
            result.append(DeckStages(deck_id, learning_ids, review_ids, mature_ids))
        return result

    def answer_counts(self, bounds: list[datetime], deck_ids: Collection[str] | None = None,
                      excluded: Collection[Item] = ()) -> list[int]:
        """Log rows from each of the sorted `bounds` up to the next: one count fewer."""
        restrict, params = self._restrict(deck_ids, excluded)
        rows = self._tuples(
            "WITH span(n, lo, hi) AS (SELECT key, value, lead(value) OVER (ORDER BY key) "
            "FROM json_each(?)) SELECT (SELECT count(*) FROM review_log WHERE reviewed_at >= lo "
            f"AND reviewed_at < hi AND {restrict}) FROM span WHERE hi IS NOT NULL ORDER BY n",
            [json.dumps([time_key(bound) for bound in bounds]), *params])
        return [count for (count,) in rows]

    def answer_rows(self, since: datetime, until: datetime) -> list[AnswerRow]:
        """Each answer in [since, until), in the order given."""
        retained = "mode = 'review' AND state_before = 2"
        return list(map(AnswerRow._make, self._tuples(
            "SELECT deck_id, card_id, ord, reviewed_at, rating, duration_ms, mode, state_before, "
            f"CASE WHEN {retained} THEN json_extract(before, '$.card.due') END, "
            f"CASE WHEN {retained} THEN json_extract(before, '$.card.last_review') END "
            "FROM review_log WHERE reviewed_at >= ? AND reviewed_at < ? ORDER BY id",
            (time_key(since), time_key(until)))))
