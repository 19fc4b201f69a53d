"""``casehub keys``: what is refused before anything is done, and a CPR number never echoed."""

from click.testing import CliRunner

from hub.cli.main import main
from tests.people import CHILD


def keys(tmp_path, *args, stdin=""):
    runner = CliRunner()
    return runner.invoke(
        main,
        ["keys", *args, "--key-dir", str(tmp_path), "--municipality", "101",
         "--bootstrap", "127.0.0.1:1"],
        input=stdin,
    )  # fmt: skip


def test_rotate_writes_a_new_version_without_a_broker(tmp_path):
    first = keys(tmp_path, "rotate")
    second = keys(tmp_path, "rotate")
    assert first.exit_code == second.exit_code == 0
    assert "key-encryption key v2 made" in second.output
    assert sorted(p.name for p in (tmp_path / "101").iterdir()) == [
        "kek-1.key",
        "kek-2.key",
        "subject.key",
    ]


def test_a_line_that_is_no_cpr_number_is_refused_and_not_repeated(tmp_path):
    result = keys(tmp_path, "shred", "--child", "--why", "erasure", stdin=f"{CHILD}\n12345x\n")
    assert result.exit_code == 1
    assert "stdin line 2 is not a CPR number" in result.output
    assert "12345x" not in result.output
    assert CHILD not in result.output


def test_a_reason_holding_a_cpr_number_is_refused_before_anything_is_done(tmp_path):
    result = keys(tmp_path, "shred", "--child", "--why", f"child {CHILD}", stdin=f"{CHILD}\n")
    assert result.exit_code == 1
    assert "the reason must not hold a CPR number" in result.output
    assert CHILD not in result.output
    assert not (tmp_path / "101").exists()  # no key made, none destroyed


def test_nothing_to_shred_is_said(tmp_path):
    result = keys(tmp_path, "shred", "--why", "erasure")
    assert result.exit_code == 1
    assert "nothing to shred" in result.output


def test_a_settle_pause_shorter_than_the_hubs_rescan_is_refused(tmp_path):
    result = keys(
        tmp_path, "shred", "--case", "C-1", "--why", "erasure",
        "--settle-s", "20", "--hub-rescan-s", "10", "--mount-refresh-s", "60",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--settle-s 20 is shorter than the hubs' rescan_s (10)" in result.output
    assert not (tmp_path / "101").exists()  # no KEK made, none destroyed


def test_a_decryption_of_another_municipalitys_record_is_refused_before_it_is_read(tmp_path):
    result = keys(tmp_path, "decrypt", "casehub.147.intake.v1:0:3", "--why", "appeal A-9")
    assert result.exit_code == 1
    assert "is of municipality 147, not of --municipality 101" in result.output
