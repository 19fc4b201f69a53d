from tests import log_scan
from tests.people import CHILD


def test_the_scan_finds_a_logged_number_in_either_spelling(tmp_path):
    log = tmp_path / "run.log"
    log.write_text('{"event": "x", "n": "' + CHILD[:6] + "-" + CHILD[6:] + '"}\n', encoding="utf-8")
    assert log_scan.logged_numbers(log) == {CHILD[:6] + "-" + CHILD[6:]}
    assert log_scan.line_count(log) == 1


def test_masked_lines_pass(tmp_path):
    log = tmp_path / "run.log"
    log.write_text('{"event": "x", "cpr": "******-****"}\n', encoding="utf-8")
    assert log_scan.logged_numbers(log) == set()


def test_the_scan_counts_uuids_the_mask_would_damage(tmp_path, monkeypatch):
    log = tmp_path / "run.log"
    whole = "3c9c1f43-0f0e-4f0a-8c54-2f6a9e7b5d10"
    holding = f"ad{CHILD[:6]}-{CHILD[6:]}-4abc-8def-0123456789ab"
    log.write_text(f'{{"event_id": "{whole}", "other": "{holding}"}}\n', encoding="utf-8")
    assert log_scan.damaged_uuids(log) == 0
    # With the old mask (any CPR-shaped run between non-digits), the second one breaks.
    import re

    old = re.compile(r"(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])")
    monkeypatch.setattr(log_scan, "mask_cpr_text", lambda text: old.sub("******-****", text))
    assert log_scan.damaged_uuids(log) == 1
