"""The extract's tables are written for their owner alone."""

import stat

import pyarrow.parquet as pq

from hub.components.outcomes.files import write_table
from hub.components.outcomes.table import Column, Table


def test_a_table_is_csv_and_parquet_only_its_owner_may_read(tmp_path):
    table = Table(
        name="child_measures",
        description="Synthetic.",
        columns=(Column("pseudonym", "string", "The child's pseudonym."),),
        rows=[("abcdefgh",)],
    )
    folder = tmp_path / "national"
    csv_path, parquet_path = write_table(folder, table)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (csv_path, parquet_path)} == {0o600}
    assert csv_path.read_text().splitlines() == ["pseudonym", "abcdefgh"]
    assert pq.read_table(parquet_path).column("pseudonym").to_pylist() == ["abcdefgh"]
