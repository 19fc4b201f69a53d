"""The quarantine pages on the real broker: who sees which records, their payload, a replay.

One hub serves two municipalities; the record quarantined is the first's. Its operator finds
it, sees its payload and replays it with a reason: the record is handled and the replay is on
the municipality's audit topic under the operator's subject. The other municipality's
operator sees none of it (404, not 403), a viewer and an auditor see it without its payload,
and a viewer cannot replay.
"""

import asyncio
import json
import uuid
from urllib.parse import quote

import httpx
import pytest

from hub.cli.quarantine_ops import Filters, read_entries
from hub.compose.app import create_app
from hub.runtime.serve import serving
from hub.web.dashboard.holders import partition_holders
from hub.web.viewer import Role
from routing.topics import AUDIT_DOMAIN, topic
from tests.effects import recorder
from tests.factories import submission
from tests.hub.test_delivery_kafka import ROUTES, effect_of, post_all, until
from tests.kafka import read_topic
from tests.web.dashboard.fixed_login import CSRF, FixedLogin, viewer

pytestmark = pytest.mark.kafka


async def test_an_operator_replays_its_municipalitys_record_and_no_other_sees_it(
    hub_settings, fresh_municipality, standin
):
    ours, theirs = hub_settings.municipalities[0], fresh_municipality()
    settings = hub_settings.model_copy(update={"routes": ROUTES, "municipalities": (ours, theirs)})
    case = f"Q-{uuid.uuid4().hex[:8]}"
    rejected = submission(ours, case_id=case)
    standin.reject.add(effect_of(rejected))
    login = FixedLogin(viewer(Role.OPERATOR, ours, subject="ops-101"))
    app = create_app(settings, extra=[recorder(standin.url)], login=login)
    async with serving(app) as url, httpx.AsyncClient(base_url=f"{url}/ops", timeout=30) as http:
        await post_all(url, [rejected])
        await _until_listed(http, case)
        (entry,) = await read_entries(settings.kafka, Filters(case=case))
        page = (await http.get("/quarantine", params={"reason": "rejected"})).text
        assert "effect service rejected the effect: 422" in page
        assert entry.source_ref in page
        detail = f"/quarantine/{quote(entry.ref)}"
        marker = json.loads(entry.value or b"{}")["cpr"]  # personal: only the payload holds it

        login.viewer = viewer(Role.OPERATOR, theirs, subject="ops-147")
        await _sees_nothing(http, case, detail, ours)
        await _sees_no_payload(http, login, detail, ours, marker)

        # Our operator: the payload; a forged form or no reason replays nothing.
        login.viewer = viewer(Role.OPERATOR, ours, subject="ops-101")
        page = (await http.get(detail)).text
        assert marker in page.split('<pre class="payload">')[1]
        assert 'name="csrf" value="test-csrf-token"' in page
        forged = await http.post(f"{detail}/replay", data={"csrf": "other", "reason": "x"})
        assert forged.status_code == 403
        empty = await http.post(f"{detail}/replay", data={"csrf": CSRF, "reason": " "})
        assert empty.status_code == 400
        assert "needs a reason" in empty.text

        standin.reject.clear()  # the cause is fixed
        done = await http.post(
            f"{detail}/replay", data={"csrf": CSRF, "reason": "agreement renewed"}
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"/ops/quarantine?replayed={quote(entry.ref)}"
        await until(lambda: effect_of(rejected) in standin.applied)

        flows = (await http.get("/flows")).text
        row = flows.split(f"{topic('person', ours)}</td><td>recorder")[1].split("</tr>")[0]
        cells = [c.split(">")[-1] for c in row.split("</td>")][1:-1]
        # received twice (the record, its replay): handled once, retried never, quarantined once
        assert [cells[0], *cells[2:5]] == ["2", "1", "0", "1"]
        lag = (await http.get("/lag")).text
        assert f"{settings.client_id} (this instance)" in lag
        # Who holds what, as the broker says: every partition of the recorder's topic, held.
        group = f"{settings.group_prefix}.recorder"
        holders = await partition_holders(settings.kafka, [group])
        assert holders is not None
        held = sorted(tp.partition for (g, tp) in holders if tp.topic == topic("person", ours))
        assert held == list(range(settings.topic_partitions))
        assert all(" @ " in holder for holder in holders.values())
    audits = [
        json.loads(r.value) for r in await read_topic(settings.kafka, topic(AUDIT_DOMAIN, ours))
    ]
    replays = [a for a in audits if a["action"] == "quarantine-replay"]
    assert [(a["principal"], a["reason"]) for a in replays] == [
        ("operator:ops-101", "agreement renewed")
    ]
    assert await read_topic(settings.kafka, topic(AUDIT_DOMAIN, theirs)) == []


async def _until_listed(http, case):
    async with asyncio.timeout(60):
        while case not in (await http.get("/quarantine")).text:
            await asyncio.sleep(0.3)


async def _sees_nothing(http, case, detail, ours):
    """The other municipality's operator: the record is as absent as one never quarantined."""
    assert case not in (await http.get("/quarantine")).text
    assert case not in (await http.get("/quarantine", params={"municipality": ours})).text
    assert (await http.get(detail)).status_code == 404
    refused = await http.post(f"{detail}/replay", data={"csrf": CSRF, "reason": "mine now"})
    assert refused.status_code == 404
    assert ours not in refused.text


async def _sees_no_payload(http, login, detail, ours, marker):
    """A viewer and an auditor of ours: reason and headers, no payload; a viewer cannot act."""
    for role in (Role.VIEWER, Role.AUDITOR):
        login.viewer = viewer(role, ours)
        page = (await http.get(detail)).text
        assert "quarantine_reason" in page
        assert "only an operator sees it" in page
        assert marker not in page
        assert '<form method="post"' not in page
    login.viewer = viewer(Role.VIEWER, ours)
    forbidden = await http.post(f"{detail}/replay", data={"csrf": CSRF, "reason": "try"})
    assert forbidden.status_code == 403
