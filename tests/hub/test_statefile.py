"""The files left on an instance's disk are private (personal data); state is in Kafka.

No component keeps state in a file any more (the adapters' memories and the delivery store
are restored from their changelogs, see tests/hub/state); what is left (the local document
store, the yearly report's output) is made private.
"""

from hub.runtime.statefile import private_file


def test_an_existing_open_file_is_tightened(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    private_file(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_new_file_and_its_folder_are_made(tmp_path):
    path = private_file(tmp_path / "deep" / "er" / "file")
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
