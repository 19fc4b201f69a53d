import json

from click.testing import CliRunner
from lxml import etree

from hub.cli.main import main
from tests.people import CHILD

DATA = {
    "letter_id": "L-1",
    "recipient_cpr": CHILD,
    "purpose": "other",
    "title": "Underretning modtaget",
    "body": "Kommunen har modtaget en underretning.",
}
EVENT: dict[str, object] = {
    "specversion": "1.0",
    "id": "7d8f1d38-1b8a-4b8e-9a61-3b0e0e0e0e01",
    "source": "urn:vendor:case-system",
    "type": "dk.casehub.letter.requested",
    "time": "2026-11-25T10:00:00+01:00",
    "municipality": "101",
    "caseid": "C-42",
    "correlationid": "7d8f1d38-1b8a-4b8e-9a61-3b0e0e0e0e01",
    "classification": "sensitive",
    "contractversion": 1,
    "datacontenttype": "application/json",
    "data": DATA,
}
MEMO = "{https://DigitalPost.dk/MeMo-1}"


def render(document):
    return CliRunner().invoke(main, ["digitalpost", "render", "-"], input=json.dumps(document))


def test_renders_the_memo_message_with_a_stable_uuid():
    first, second = render(EVENT), render(EVENT)
    assert first.exit_code == 0, first.output
    root = etree.fromstring(first.stdout_bytes)
    assert root.tag == f"{MEMO}Message"
    assert root.findtext(f".//{MEMO}messageID") == EVENT["id"]
    assert root.findtext(f".//{MEMO}recipientID") == CHILD
    assert first.stdout_bytes == second.stdout_bytes


def test_an_invalid_event_is_refused_without_echoing_it():
    bad = {**EVENT, "data": {**DATA, "recipient_cpr": CHILD[:2] + "13" + CHILD[4:]}}
    result = render(bad)
    assert result.exit_code == 1
    assert "recipient_cpr" in result.output
    assert CHILD[4:] not in result.output


def test_another_event_type_is_refused():
    other = {**EVENT, "type": "dk.casehub.case.opened"}
    assert render(other).exit_code == 1
