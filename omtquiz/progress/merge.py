"""Reviews made elsewhere (Anki on a phone) merged into the review log, once each.

Each outside review carries a stable key (`anki:<revlog id>`); a key already in the log is
skipped, so the same file imported twice adds nothing. A review we exported ourselves comes
back from Anki under a revlog id that is its own time in milliseconds: it is recognised as the
answer already here (same item, same rating, within two seconds) and only stamped with the key.
Every item that gained reviews has its schedule rebuilt by replaying its whole merged history
in time order (`scheduling.replay`), and the before/after snapshots of its scheduling rows are
rewritten to match, so the log, the state and the statistics tell one story. Mixed into `Store`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from omtquiz.decks.model import Item
from omtquiz.progress.registry import write_item
from omtquiz.progress.rows import LOG_COLUMNS
from omtquiz.progress.types import ImportedReview, ItemRecord, parse_time, time_text
from omtquiz.scheduling import Rating, replay

# How far apart the same answer's time may read in our log and in Anki's (a revlog id is the
# answer's time in milliseconds, bumped by one on a collision).
SAME_ANSWER = timedelta(seconds=2)


@dataclass(frozen=True)
class MergeResult:
    """What merging imported reviews did: rows added, rows already here, items touched."""

    added: int = 0
    already_here: int = 0
    items: tuple[Item, ...] = ()


class ReviewMerging:
    """`Store.merge_reviews`; relies on the Store's `_write`, `_tuples`, `get` and `settings`."""

    def merge_reviews(self, reviews: Sequence[ImportedReview]) -> MergeResult:
        """Add the reviews not yet in the log and rebuild the schedule of the items they touch;
        one transaction, so an interrupted import leaves the store as it was."""
        settings = self.settings()  # type: ignore[attr-defined]
        by_item: dict[Item, list[ImportedReview]] = defaultdict(list)
        for review in reviews:
            by_item[review.item].append(review)
        added = already = 0
        changed = []
        with self._write() as conn:  # type: ignore[attr-defined]
            for item, incoming in sorted(by_item.items()):
                rows = conn.execute(
                    "SELECT id, reviewed_at, rating, source_key FROM review_log WHERE deck_id = ? "
                    "AND card_id = ? AND ord = ? AND rescheduled = 1",
                    (item.deck_id, item.card_id, item.ord)).fetchall()
                local = [(row[0], parse_time(row[1]), row[2], row[3]) for row in rows]
                new = self._new_reviews(conn, incoming, local)
                already += len(incoming) - len(new)
                if new:
                    added += len(new)
                    changed.append(item)
                    self._rebuild(conn, item, local, new, settings.for_deck(item.deck_id))
        return MergeResult(added, already, tuple(changed))

    @staticmethod
    def _new_reviews(conn, incoming: Sequence[ImportedReview], local: list) -> list:
        keys = {row[3] for row in local if row[3]}
        unkeyed = [row for row in local if not row[3]]
        new, seen = [], set()
        for review in sorted(incoming, key=lambda r: (r.reviewed_at, r.key)):
            if review.key in keys or review.key in seen:
                continue
            seen.add(review.key)
            mine = next((row for row in unkeyed if row[2] == int(review.rating)
                         and abs(row[1] - review.reviewed_at) <= SAME_ANSWER), None)
            if mine is not None:  # our own answer, exported and come back: stamp it
                unkeyed.remove(mine)
                conn.execute("UPDATE review_log SET source_key = ? WHERE id = ?",
                             (review.key, mine[0]))
                continue
            new.append(review)
        return new

    def _rebuild(self, conn, item: Item, local: list, new: list, settings) -> None:
        history = [(when, Rating(rating), ("row", log_id)) for log_id, when, rating, _ in local]
        history += [(r.reviewed_at, r.rating, ("new", r)) for r in new]
        history.sort(key=lambda entry: entry[0])
        logs = replay([(when, rating) for when, rating, _ in history], settings)
        current: ItemRecord = self.get(item)  # type: ignore[attr-defined]
        first = history[0][0]
        first_seen = min(current.first_seen, first) if current.first_seen else first
        current = replace(current, first_seen=first_seen)
        # The item's row first: the log's rows refer to it.
        write_item(conn, replace(current, card=logs[-1].after))
        for (_, _, (kind, what)), log in zip(history, logs, strict=True):
            before = replace(current, card=log.before)
            after = replace(current, card=log.after)
            snapshot = (int(log.before.state), int(log.after.state),
                        json.dumps(before.to_dict()), json.dumps(after.to_dict()))
            if kind == "row":
                conn.execute("UPDATE review_log SET state_before = ?, state_after = ?, "
                             "before = ?, after = ? WHERE id = ?", (*snapshot, what))
            else:
                columns = (*LOG_COLUMNS[1:], "source_key")
                conn.execute(
                    f"INSERT INTO review_log ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    (item.deck_id, item.card_id, item.ord, time_text(what.reviewed_at),
                     int(what.rating), what.duration_ms, "review", 1, *snapshot, 0, what.key))
