"""A build killed mid-way leaves no valid-looking version, and the next build starts afresh."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from adapters.rigsarkivet import BuildUnderWayError, SampleDocuments, build_version, sample_history
from adapters.rigsarkivet.writer import open_version
from hub.cli.main import main
from tests.adapters.rigsarkivet.avid import check_version, standard_schemas
from tests.adapters.rigsarkivet.test_sample import ABOUT

AVID = "AVID.SA.18020.1"
_WAIT_S = 60.0


def _sample(out, schemas, cases):
    return ["archive", "sample", "--cases", str(cases), "--pages", "1", "--out", str(out),
            "--standard-schemas", str(schemas), "--avid", AVID]  # fmt: skip


def _documents_written(out):
    return [d for d in out.glob(f".{AVID}.partial-*/Documents/docCollection1/*") if d.is_dir()]


def test_a_killed_build_leaves_no_version_and_a_rerun_builds_one(tmp_path):
    schemas = standard_schemas(tmp_path / "standard")
    out = tmp_path / "out"
    # Many cases, so the build is surely still writing when it is killed.
    arguments = [sys.executable, "-m", "hub.cli.main", *_sample(out, schemas, 400)]
    build = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + _WAIT_S
        while len(_documents_written(out)) < 2 and build.poll() is None:
            assert time.monotonic() < deadline, "the build wrote no documents in time"
            time.sleep(0.05)
        assert build.poll() is None, "the build finished before it could be killed"
    finally:
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=_WAIT_S)

    left = sorted(p.name for p in out.iterdir())
    assert not (out / AVID).exists()
    assert all(name.startswith(f".{AVID}.partial-") for name in left), left
    assert not any((out / name / "Indices" / "fileIndex.xml").exists() for name in left)

    rerun = CliRunner().invoke(main, _sample(out, schemas, 1))
    assert rerun.exit_code == 0, rerun.output
    assert sorted(p.name for p in out.iterdir()) == [AVID]  # what the killed build left is gone
    assert check_version(out / AVID, schemas) == []


async def test_a_second_build_of_the_same_version_is_refused_while_one_runs(tmp_path):
    schemas = standard_schemas(tmp_path / "standard")
    out = tmp_path / "out"
    with open_version(out, ABOUT, schemas, today=ABOUT.period_end):
        documents = SampleDocuments()
        with pytest.raises(BuildUnderWayError):
            await build_version(sample_history(documents, cases=1), documents, ABOUT, out, schemas)
        running = sorted(p.name for p in out.iterdir())
        assert len(running) == 2, running  # the running build's folder and its lock, untouched
    assert [p.name for p in out.iterdir()] == [ABOUT.avid]  # and it finished
