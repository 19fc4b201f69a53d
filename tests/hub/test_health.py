"""The health endpoints answer what an orchestrator's probes need."""

import httpx
from starlette.applications import Starlette

from hub.runtime.health import health_routes


class Switch:
    """A readiness check that can be flipped, or made to fail, and counts its calls."""

    def __init__(self) -> None:
        self.ready = False
        self.broken = False
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        if self.broken:
            raise RuntimeError("state store gone")
        return self.ready


def client(check: Switch) -> httpx.AsyncClient:
    app = Starlette(routes=health_routes(check))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


class TestHealth:
    async def test_live_answers_without_asking_readiness(self):
        check = Switch()
        async with client(check) as http:
            answer = await http.get("/health/live")
        assert answer.status_code == 200
        assert answer.json() == {"status": "live"}
        assert check.asked == 0

    async def test_ready_follows_the_check_each_time(self):
        check = Switch()
        async with client(check) as http:
            before = await http.get("/health/ready")
            check.ready = True
            after = await http.get("/health/ready")
        assert (before.status_code, before.json()) == (503, {"status": "not ready"})
        assert (after.status_code, after.json()) == (200, {"status": "ready"})
        assert check.asked == 2

    async def test_a_failing_check_is_not_ready_and_says_no_more(self):
        check = Switch()
        check.broken = True
        async with client(check) as http:
            answer = await http.get("/health/ready")
        assert answer.status_code == 503
        assert "state store gone" not in answer.text

    async def test_only_get_is_answered(self):
        async with client(Switch()) as http:
            answer = await http.post("/health/ready")
        assert answer.status_code == 405
