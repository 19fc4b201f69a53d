"""Letters for tests: synthetic recipients, small fake PDFs, Danish titles."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import strategies as st

from adapters.digitalpost import CaseReference, Document, Letter, Sender
from contracts.cpr import Cpr
from tests.people import CHILD, MOTHER, synthetic_cprs

__all__ = ["PDF", "letter", "letters"]

PDF = b"%PDF-1.7\n% synthetic test document\n%%EOF\n"
SENDER = Sender(cvr="12345678", label="Testkommune, Børn og Familie")
CREATED = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def letter(
    message_id: str = "evt-0001",
    recipient: str = MOTHER,
    title: str = "Afgørelse om støtte til dit barn",
    **changes: object,
) -> Letter:
    """One valid letter; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "message_id": message_id,
        "sender": SENDER,
        "recipient": Cpr(recipient),
        "title": title,
        "main_document": Document(filename="afgørelse.pdf", content=PDF),
        "created": CREATED,
    }
    fields.update(changes)
    return Letter(**fields)  # type: ignore[arg-type]


_DANISH = string.ascii_letters + string.digits + " æøåÆØÅéü-_.,()§"
_texts = st.text(alphabet=_DANISH, min_size=1, max_size=256).filter(lambda s: s.strip() != "")
_filenames = st.text(alphabet=string.ascii_letters + "æøåÆØÅ0123456789-_ ", min_size=1, max_size=40)
_documents = st.builds(
    Document,
    filename=_filenames.filter(lambda s: s.strip() != "").map(lambda s: s + ".pdf"),
    content=st.binary(min_size=1, max_size=200),
)


@st.composite
def letters(draw: st.DrawFn) -> Letter:
    """Varied valid letters: Danish titles, several attachments, with or without case."""
    case = draw(st.none() | st.builds(CaseReference, case_id=_texts, case_system=st.just("DUBU")))
    return Letter(
        message_id=draw(st.uuids().map(str)),
        sender=Sender(cvr=draw(st.from_regex(r"\d{8}", fullmatch=True)), label=draw(_texts)),
        recipient=Cpr(draw(synthetic_cprs())),
        title=draw(_texts),
        main_document=draw(_documents),
        created=draw(
            st.datetimes(
                min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds  # noqa: DTZ001 - hypothesis wants naive bounds
                max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001  # noqa: DTZ001
                timezones=st.just(dt.UTC),
            )
        ),
        additional_documents=tuple(draw(st.lists(_documents, max_size=4))),
        case=case,
        in_reply_to=draw(st.none() | st.uuids(version=4)),
        reply_wanted=draw(st.booleans()),
    )


CHILD_CPR = Cpr(CHILD)
