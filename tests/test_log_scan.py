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
