"""`coursesite backup` and `restore`: consistent copies, kept in number, restored exactly."""

import sqlite3
import threading
import time
from pathlib import Path

from coursesite import services
from coursesite.data.models import Setting


def rows(path: Path) -> list:
    with sqlite3.connect(path) as connection:
        result = connection.execute("SELECT key, value FROM setting ORDER BY key").fetchall()
    connection.close()
    return result


def database_file(app) -> Path:
    return Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def put(app, key, value):
    with app.app_context(), services.database(app).connection_context():
        Setting.replace(key=key, value=value).execute()


def test_backup_to_a_file_then_restore_gives_back_the_same_data(app, runner, tmp_path):
    put(app, "lab", "Saint-Roch")
    copy = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"Backup written: {copy}" in result.output
    assert rows(copy) == rows(database_file(app))
    put(app, "lab", "changed after the backup")
    result = runner.invoke(args=["restore", str(copy)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Replace everything" in result.output and "saved first" in result.output
    assert ("lab", "Saint-Roch") in rows(database_file(app))


def test_restore_asks_first_and_changes_nothing_on_no(app, runner, tmp_path):
    put(app, "lab", "before")
    copy = tmp_path / "copy.db"
    runner.invoke(args=["backup", str(copy)])
    put(app, "lab", "after")
    result = runner.invoke(args=["restore", str(copy)], input="n\n")
    assert result.exit_code == 1 and "Nothing changed." in result.output
    assert ("lab", "after") in rows(database_file(app))


def test_restore_refuses_a_file_that_is_not_a_coursesite_database(app, runner, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "is not an SQLite database" in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = runner.invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code == 1 and "is not a coursesite database" in result.output


def test_backup_into_a_folder_keeps_only_the_newest_copies(app, runner, tmp_path):
    folder = tmp_path / "backups"
    for _ in range(5):
        assert runner.invoke(args=["backup", str(folder), "--keep", "3"]).exit_code == 0
    copies = sorted(folder.glob("coursesite-*.db"))
    assert len(copies) == 3
    assert all(rows(copy) == rows(database_file(app)) for copy in copies)


def test_backup_of_a_busy_wal_database_has_every_committed_row_and_is_sound(app, runner, tmp_path):
    """Rows still in the write-ahead log, and rows written during the copy, are handled right.

    A plain copy of the database file would miss the rows that live only in the `-wal` file
    (nothing has checkpointed them yet), and could catch a page half-written.
    """
    path = database_file(app)
    wal = path.with_name(path.name + "-wal")
    # While a connection stays open, SQLite does not fold the log back into the file.
    keeper = sqlite3.connect(path, isolation_level=None)
    assert keeper.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def connect():
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA wal_autocheckpoint=0")  # keep every row in the log
        connection.execute("PRAGMA busy_timeout=5000")
        return connection

    def insert(connection, key):
        connection.execute(
            "INSERT INTO setting (key, value, updated) VALUES (?, 'x', '2026-11-30 08:00:00')",
            (key,),
        )

    before = connect()
    for number in range(300):
        insert(before, f"before-{number:05d}")  # each in its own committed transaction
    before.close()
    assert wal.stat().st_size > 100 * 4096  # the rows are in the log, not yet in the file

    committed = 0
    stop = threading.Event()
    failure = []

    def writer():
        nonlocal committed
        connection = connect()
        try:
            while not stop.is_set():
                insert(connection, f"during-{committed:05d}")
                committed += 1
        except Exception as exc:  # reported by the test below
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        for index in range(4):
            floor = committed + 1
            while committed < floor and thread.is_alive():
                time.sleep(0.001)  # the writer is busy while each copy is made
            copy = tmp_path / f"b{index}.db"
            copies.append((copy, committed))
            result = runner.invoke(args=["backup", str(copy)])
            assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join()
        keeper.close()
    assert failure == [] and committed > 0
    previous = 0
    for copy, committed_before in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            keys = [row[0] for row in connection.execute("SELECT key FROM setting ORDER BY key")]
        connection.close()
        assert [k for k in keys if k.startswith("before-")] == [
            f"before-{n:05d}" for n in range(300)
        ]
        during = [k for k in keys if k.startswith("during-")]
        # One moment's snapshot: the writer's rows up to some point, none missing in between,
        # at least all those committed before the backup began.
        assert during == [f"during-{n:05d}" for n in range(len(during))]
        assert len(during) >= max(committed_before, previous)
        previous = len(during)
