"""Files only the service can read: the database, its WAL, the search index, every backup.

They hold names, progress and helpers' private notes: another account on the lab's server
(or a guest session on the lab computer running it) must not be able to read them.
"""

import os
import stat
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_LESSONS, AuthActions, add_user, make_app

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """Start as a lab server would: a shell whose umask lets everyone read new files."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def wait_for(path: Path) -> Path:
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path


def test_every_file_the_site_writes_is_private(tmp_path, loose_umask):
    app = make_app(tmp_path, FIXTURE_LESSONS)
    instance = Path(app.instance_path)
    add_user(app, "erin")
    # A sign-in writes: the database stays open in this thread, its WAL and index beside it.
    assert AuthActions(app.test_client()).login("erin").status_code == 303
    files = [
        instance / "coursesite.db",
        instance / "coursesite.db-wal",
        instance / "coursesite.db-shm",
        wait_for(instance / "search.db"),
        instance / "secret_key",
    ]
    for path in files:
        assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
    assert mode(instance) & 0o077 == 0


def test_backups_and_the_copy_made_before_a_restore_are_private(tmp_path, loose_umask):
    app = make_app(tmp_path, FIXTURE_LESSONS)
    runner = app.test_cli_runner()
    os.umask(0o022)  # even if something reset the umask after start-up
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    backup = next((Path(app.instance_path) / "backups").glob("coursesite-*.db"))
    assert mode(backup) == 0o600
    elsewhere = tmp_path / "usb-key" / "copy.db"
    assert runner.invoke(args=["backup", str(elsewhere)]).exit_code == 0
    assert mode(elsewhere) == 0o600
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    before = next((Path(app.instance_path) / "backups").glob("before-restore-*"))
    assert mode(before) == 0o600


def test_init_makes_older_files_private(tmp_path, loose_umask):
    app = make_app(tmp_path, FIXTURE_LESSONS)
    instance = Path(app.instance_path)
    app.test_cli_runner().invoke(args=["backup"])
    loose = [instance / "coursesite.db", instance / "secret_key"]
    loose += list((instance / "backups").glob("*.db"))
    for path in loose:
        os.chmod(path, 0o644)  # as an older version of the site left them
    os.chmod(instance, 0o755)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "readable by this account only" in result.output
    for path in loose:
        assert mode(path) == 0o600, path
    assert mode(instance) == 0o700
    again = app.test_cli_runner().invoke(args=["init"])
    assert "readable by this account only" not in again.output  # nothing left to fix
