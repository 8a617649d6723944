"""`coursesite backup` and `restore`: consistent copies, kept in number, restored exactly."""

import sqlite3
import threading
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


def test_backup_while_the_database_is_being_written_is_consistent(app, runner, tmp_path):
    stop = threading.Event()

    def writer():
        number = 0
        while not stop.is_set():
            put(app, f"k{number % 50}", str(number))
            number += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for index in range(5):
            assert runner.invoke(args=["backup", str(tmp_path / f"b{index}.db")]).exit_code == 0
    finally:
        stop.set()
        thread.join()
    for index in range(5):
        with sqlite3.connect(tmp_path / f"b{index}.db") as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
