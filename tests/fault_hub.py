"""A hub with the recorder component, as its own process, for kill -9 and scaling tests.

python -m tests.fault_hub  (settings from CASEHUB_* variables, the stand-in from EFFECTS_URL)

Prints its URL once started; SIGTERM stops it as an orchestrator would (the hub's lifespan
commits and hands its partitions over); SIGKILL is the crash.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.serve import serving
from tests.effects import recorder


async def main() -> None:
    settings = Settings()
    app = create_app(settings, extra=[recorder(os.environ["EFFECTS_URL"])])
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with serving(app, port=settings.http_port) as url:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
