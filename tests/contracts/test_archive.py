"""The archival version's folder name: Rigsarkivet's syntax in v2, v1 as published."""

import pytest
from pydantic import ValidationError

from contracts.archive import ArchivePackageBuilt, ArchivePackageBuiltV2

FIELDS = {
    "archive_id": "a-1",
    "built_at": "2026-11-30T10:00:00+01:00",
    "files": 12,
    "size_bytes": 4096,
    "md5_of_indices": "0" * 32,
}


def built(contract, avid):
    return contract.model_validate({**FIELDS, "avid": avid}, strict=False)


@pytest.mark.parametrize(
    "avid",
    ["AVID.SA.18005.1", "AVID.SA.1234567.1", "AVID.KØB.40001.12", "AVID.AARS.1.1000"],
)
def test_v2_takes_the_ids_rigsarkivet_issues(avid):
    assert built(ArchivePackageBuiltV2, avid).avid == avid


@pytest.mark.parametrize(
    "avid",
    ["AVID.SA.0.0", "AVID.SA.18005.0", "AVID.SA.018005.1", "AVID.S.1.1", "AVID.sa.1.1"],
)
def test_v2_refuses_what_rigsarkivet_never_issues(avid):
    with pytest.raises(ValidationError):
        built(ArchivePackageBuiltV2, avid)


def test_v1_stays_as_published_for_replay():
    assert built(ArchivePackageBuilt, "AVID.SA.0.0").avid == "AVID.SA.0.0"
    with pytest.raises(ValidationError):
        built(ArchivePackageBuilt, "AVID.SA.1234567.1")
