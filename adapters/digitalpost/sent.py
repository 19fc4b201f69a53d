"""What the Digital Post adapter has sent, and how far it has read receipts: in its stores.

A receipt names only the message id (the ``LetterRequested`` event id; for a letter to
several recipients, the event id and the recipient's number, ``<event id>/<n>``). To publish
``LetterDelivered`` on the right topic and case, the adapter keeps each sent letter's
envelope facts in the store ``sent`` of its group's state table (key the message id, in the
request's task: its municipality and partition). The receipt feed is one for the whole
agreement, but the letters are spread over tasks that move between instances, so the feed's
cursor is kept **per task** in the store ``receipts``: how far the feed has been read for
that task's letters. An instance polls from the lowest cursor of the tasks it owns, acts on
the receipts of letters in those tasks and advances their cursors; a task that moves takes
its cursor with it (the table is restored from the changelog on its new owner).

A letter is marked ``handed_over`` once Digital Post has taken it, and the mark is made
durable before the next recipient's message is sent: a redelivered request (after a crash
part-way through its recipients) skips the messages already handed over.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Final

from hub.runtime.state import Store, Task

__all__ = ["CURSOR_STORE", "SENT_STORE", "SentLetter", "SentLetters"]

SENT_STORE: Final = "sent"
CURSOR_STORE: Final = "receipts"
_SINCE: Final = "since"


@dataclass(frozen=True, slots=True)
class SentLetter:
    """The envelope facts of a sent letter's request."""

    message_id: str
    letter_id: str
    municipality: str
    case_id: str
    correlation_id: str
    settled: bool
    handed_over: bool = False  # Digital Post has taken it (rows from before: not known)
    event_id: str | None = None  # the request's event id, when it is not the message id

    @property
    def request_id(self) -> str:
        """The id of the ``LetterRequested`` event that asked for this message."""
        return self.event_id or self.message_id


class SentLetters:
    """Sent letters by message id, and the receipt cursor of each task."""

    def __init__(self, sent: Store, cursors: Store) -> None:
        self._sent = sent
        self._cursors = cursors

    @property
    def tasks(self) -> frozenset[Task]:
        """The tasks this instance owns now (whose letters it reports receipts for)."""
        return self._sent.tasks

    def remember(self, letter: SentLetter) -> None:
        """Keep a sent letter, in the record's task (again: ignored)."""
        if self._sent.get(letter.message_id) is None:
            self._sent.put(letter.message_id, json.dumps(asdict(letter)).encode())

    def find(self, message_id: str, task: Task | None = None) -> SentLetter | None:
        """The sent letter with this message id in ``task`` (default: the record's)."""
        value = self._sent.get(message_id, task)
        return None if value is None else SentLetter(**json.loads(value))

    def owner(self, message_id: str, tasks: Iterable[Task]) -> tuple[Task, SentLetter] | None:
        """The task among ``tasks`` that sent this message, and the letter; None: none did."""
        for task in tasks:
            letter = self.find(message_id, task)
            if letter is not None:
                return task, letter
        return None

    def hand_over(self, message_id: str) -> None:
        """Digital Post has taken the message (in the record's task)."""
        letter = self.find(message_id)
        if letter is not None and not letter.handed_over:
            taken = SentLetter(**{**asdict(letter), "handed_over": True})
            self._sent.put(message_id, json.dumps(asdict(taken)).encode())

    def settle(self, message_id: str, task: Task | None = None) -> None:
        """Its final receipt (or failure) has been published."""
        letter = self.find(message_id, task)
        if letter is not None and not letter.settled:
            settled = SentLetter(**{**asdict(letter), "settled": True})
            self._sent.put(message_id, json.dumps(asdict(settled)).encode(), task)

    def since(self, task: Task) -> int:
        """How far the receipt feed has been read for ``task``'s letters."""
        value = self._cursors.get(_SINCE, task)
        return 0 if value is None else int(value)

    def advance(self, task: Task, since: int) -> None:
        """The feed has been read to ``since`` for ``task`` (a cursor never moves back)."""
        if since > self.since(task):
            self._cursors.put(_SINCE, str(since).encode(), task)

    async def flush(self) -> None:
        """Make every change so far durable (before an effect that must follow it)."""
        await self._sent.flush()

    def __repr__(self) -> str:
        return f"SentLetters(tasks={len(self.tasks)})"
