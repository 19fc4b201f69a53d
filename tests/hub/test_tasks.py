"""A background task that ends is logged by its class, never its message; a cancelled one not."""

import asyncio

import pytest
from structlog.testing import capture_logs

from hub.runtime.tasks import watched


async def _fails():
    msg = "the value 6105151234"  # synthetic: a message may quote a value
    raise RuntimeError(msg)


async def _returns():
    return None


async def _waits():
    await asyncio.Event().wait()


async def test_an_ended_task_is_logged_by_its_class_only():
    with capture_logs() as logs:
        failed = watched(_fails(), "finance")
        returned = watched(_returns(), "outcomes")
        await asyncio.wait({failed, returned})
        await asyncio.sleep(0)  # the done callbacks run in the next round of the loop
    assert [(e["event"], e["task"], e.get("error")) for e in logs] == [
        ("background_task_ended", "finance", "RuntimeError"),
        ("background_task_ended", "outcomes", None),
    ]
    assert "6105151234" not in str(logs)
    assert isinstance(failed.exception(), RuntimeError)


async def test_a_cancelled_task_is_not_logged():
    with capture_logs() as logs:
        task = watched(_waits(), "finance")
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)
    assert logs == []
