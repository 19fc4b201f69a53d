"""One hub process for the benchmark, like ``casehub run``: serves until SIGTERM.

    python -m benchmarks.hub_worker BOOTSTRAP MUNICIPALITY GROUP_PREFIX STATE_DIR [--profile FILE]

Several of these with the same ``GROUP_PREFIX`` (and each its own ``STATE_DIR``, as two
instances must have) share the triage consumer group, as hub instances would. The legal
clock is off, so one consumer group reads the intake topic, as one forwarder does on the
raw side. With ``--profile``, SIGUSR1 starts pyinstrument (the whole event loop) and the
profile is written to ``FILE`` at SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from benchmarks.access import worker_connection
from hub.compose.app import create_app
from hub.compose.settings import Settings
from hub.runtime.serve import serving

__all__ = ["serve"]


async def serve(args: argparse.Namespace) -> None:
    """Run the hub until SIGTERM."""
    settings = Settings(
        bootstrap_servers=args.bootstrap,
        kafka_security=worker_connection(args).security,
        municipalities=(args.municipality,),
        group_prefix=args.group_prefix,
        state_dir=Path(args.state_dir),
        http_port=0,
        log_level="WARNING",
        deadlines=False,
    )
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")  # the whole loop: all tasks share it
        loop.add_signal_handler(signal.SIGUSR1, profiler.start)
    async with serving(create_app(settings)):
        await stop.wait()
    if profiler is not None and profiler.is_running:
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False, timeline=False)
        await asyncio.to_thread(Path(args.profile).write_text, text)


def main() -> None:
    """Parse the arguments and serve until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("bootstrap", "municipality", "group_prefix", "state_dir"):
        parser.add_argument(name)
    parser.add_argument("--profile", help="write a pyinstrument profile here at exit")
    parser.add_argument("--kafka-security", help="CASEHUB_KAFKA_SECURITY, JSON")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
