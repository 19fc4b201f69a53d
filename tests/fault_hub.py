"""A hub with the recorder component, as its own process, for kill -9 tests.

python -m tests.fault_hub  (settings from CASEHUB_* variables, the stand-in from EFFECTS_URL)
"""

from __future__ import annotations

import asyncio
import os
import sys

from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.serve import serving
from tests.effects import recorder


async def main() -> None:
    settings = Settings()
    app = create_app(settings, extra=[recorder(os.environ["EFFECTS_URL"])])
    async with serving(app, port=settings.http_port) as url:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
