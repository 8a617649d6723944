"""Inputs that used to answer 500 or print a traceback, each tried the way it happens in a lab.

A spreadsheet saved as "CSV (Macintosh)" (CR alone ends a line), a cell of 140,000
characters, a picture chosen instead of the list; a database file damaged by a power cut;
a second `coursesite serve` on a port already taken; a backup restored after cards were
stopped. Each gets a clear answer, and nothing half-done.
"""

import contextlib
import gc
import io
import random
import re
import socket
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from coursesite.data.safekeeping.health import CHECK_EVERY, DatabaseHealth
from tests.conftest import (
    FIXTURE_LESSONS,
    PASSWORDS,
    AuthActions,
    add_user,
    app_database,
    csrf_token_from,
    make_app,
)
from tests.test_cli import COURSESITE, environment, free_port

pytestmark = pytest.mark.db

MAC_CSV = b"nom;langue\rMarie Roy;fr\rJean Tremblay;en\r"
HUGE_CELL = b"nom\nMarie Roy\n" + b"A" * 140_000 + b"\nJean Tremblay\n"
BINARY = random.Random(7).randbytes(20_000)
PNG = b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(3000)
UNCLOSED_QUOTE = b'nom\n"Marie Roy\nJean Tremblay\n'
REFUSED = {
    "huge cell": (HUGE_CELL, "Ligne 3 : cette ligne a 140000 caractères"),
    "random bytes": (BINARY, "Ce n’est pas un fichier texte CSV."),
    "a picture": (PNG, "Ce n’est pas un fichier texte CSV."),
    "too large": (b"nom\n" + b"Marie Roy\n" * 30_000, "Le fichier est trop gros"),
}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def learner_count(app) -> int:
    from coursesite.data.models import User

    with app_database(app):
        return User.select().where(User.role == "learner").count()


def upload(client, data: bytes):
    page = client.get("/staff/import")
    return client.post(
        "/staff/import",
        data={
            "csrf_token": csrf_token_from(page.text),
            "learners": (io.BytesIO(data), "liste.csv"),
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def staff_client(app, make_staff):
    make_staff()
    client = app.test_client()
    AuthActions(client).login("sophie", PASSWORDS["staff"])
    return client


def test_a_mac_csv_with_cr_line_ends_imports_every_line(app, staff_client):
    response = upload(staff_client, MAC_CSV)
    assert response.status_code == 200
    assert "2 personnes apprenantes ont été créées" in text_of(response)
    assert learner_count(app) == 2


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_file_gets_a_clear_error_and_creates_nobody(app, staff_client, case):
    data, message = REFUSED[case]
    response = upload(staff_client, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert learner_count(app) == 0


def test_an_unclosed_quote_is_reported_and_creates_nobody(app, staff_client):
    response = upload(staff_client, UNCLOSED_QUOTE)
    assert response.status_code == 400 and "Ligne" in text_of(response)
    assert learner_count(app) == 0


@pytest.mark.parametrize("case", [*REFUSED, "unclosed quote", "a folder", "missing"])
def test_import_learners_on_the_command_line_never_prints_a_traceback(tmp_path, case):
    env = environment(tmp_path)
    if case == "a folder":
        source = tmp_path
    elif case == "missing":
        source = tmp_path / "nowhere.csv"
    else:
        source = tmp_path / "list.csv"
        source.write_bytes(UNCLOSED_QUOTE if case == "unclosed quote" else REFUSED[case][0])
    result = subprocess.run(
        [*COURSESITE, "import-learners", str(source), "--sheet", str(tmp_path / "cards.html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip(), "the reason is said"
    assert not (tmp_path / "cards.html").exists()
    created = subprocess.run(
        [*COURSESITE, "export-learner", "marie.roy"], env=env, capture_output=True, text=True
    )
    assert created.returncode != 0  # nobody was created


def test_the_command_line_imports_a_mac_csv(tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(MAC_CSV)
    result = subprocess.run(
        [*COURSESITE, "import-learners", str(source), "--sheet", str(tmp_path / "cards.html")],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Created 2 learners" in result.stdout


# A damaged database


def damage(database: Path, how: str) -> None:
    """Damage the file as a power cut or a failing disk would."""
    if how == "header":
        data = bytearray(database.read_bytes())
        data[:100] = random.Random(3).randbytes(100)
        database.write_bytes(bytes(data))
        return
    # "pages": the header is fine, the tables' pages in the middle are garbage.
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(database.read_bytes())
    for page in range(2, len(data) // page_size):
        start = page * page_size
        data[start : start + page_size] = b"\xa5" * page_size
    database.write_bytes(bytes(data))


def a_database_with_a_learner(tmp_path) -> tuple[Path, dict]:
    env = environment(tmp_path)
    subprocess.run(
        [*COURSESITE, "create-user", "marie", "--role", "learner", "--password", "piano47"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([*COURSESITE, "backup"], env=env, check=True, capture_output=True)
    return tmp_path / "instance" / "coursesite.db", env


@pytest.mark.parametrize("how", ["header", "pages"])
def test_serve_on_a_damaged_database_says_how_to_restore(tmp_path, how):
    database, env = a_database_with_a_learner(tmp_path)
    damage(database, how)
    result = subprocess.run(
        [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"the database file {database} is damaged" in result.stderr
    backup = next((tmp_path / "instance" / "backups").glob("coursesite-*.db"))
    assert f"coursesite restore {backup}" in result.stderr
    # Following the advice gives back a working site.
    restored = subprocess.run(
        [*COURSESITE, "restore", str(backup), "--yes"], env=env, capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stdout + restored.stderr
    exported = subprocess.run(
        [*COURSESITE, "export-learner", "marie"], env=env, capture_output=True, text=True
    )
    assert exported.returncode == 0 and '"username": "marie"' in exported.stdout


def test_healthz_reports_a_damaged_database(tmp_path):
    app = make_app(tmp_path, FIXTURE_LESSONS)
    add_user(app, "marie")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    from coursesite import services

    services.shared(app).database.close()
    damage(Path(app.instance_path) / "coursesite.db", "pages")
    services.shared(app).database_health = DatabaseHealth(lambda: services.database(app))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "damaged"


def test_the_health_check_runs_at_most_once_a_minute():
    checks, now = [], [0.0]

    class CountingDatabase:
        def connection_context(self):
            checks.append(now[0])
            return contextlib.nullcontext()

        def execute_sql(self, sql):
            return type("Cursor", (), {"fetchone": lambda self: ["ok"]})()

    health = DatabaseHealth(CountingDatabase, clock=lambda: now[0])
    for second in range(0, 150, 5):
        now[0] = float(second)
        assert health.problem() is None
    assert checks == [0.0, CHECK_EVERY, 2 * CHECK_EVERY]


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"port {port} is already in use" in lines[0]


# Waitress leaves the socket it could not bind, and its wake-up pipe, to the collector: they
# are collected in this test (below), their warnings ignored, and not in the next test's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_serve_on_a_port_in_use_starts_nothing_in_the_background(runner):
    # A server that cannot listen exits at once: were the search index's thread started, it
    # could still be watching the lesson folders as the process ends, and say so.
    before = {thread.name for thread in threading.enumerate()}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", str(port)])
    started = {thread.name for thread in threading.enumerate()} - before
    exit_code, output = result.exit_code, result.output
    del result  # its traceback holds waitress's server, socket and all
    gc.collect()
    assert exit_code == 1
    assert f"port {port} is already in use" in output
    assert not started  # neither the search index's thread nor the server's workers


# Restore keeps what was done since the backup to keep accounts safe


def test_restore_keeps_cards_stopped_and_sign_ins_ended_since_the_backup(
    app, runner, tmp_path, database_backend
):
    if database_backend != "sqlite":
        pytest.skip("restore replaces the SQLite file; PostgreSQL is restored with pg_restore")
    from coursesite.accounts import cards
    from coursesite.data.models import User

    marie = add_user(app, "marie", name="Marie Roy")
    with app_database(app):
        lost_card = cards.issue_card(User.get_by_id(marie.id))
    laptop = app.test_client()
    AuthActions(laptop).login("marie")
    copied = {cookie.key: cookie.value for cookie in laptop._cookies.values()}
    backup = tmp_path / "before.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    # After the backup: the card is lost and stopped, the laptop signed out.
    with app_database(app):
        cards.revoke_cards(User.get_by_id(marie.id))
    AuthActions(laptop).logout()
    asked = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert "Replace everything" in asked.output and "Nothing changed." in asked.output
    result = runner.invoke(args=["restore", str(backup)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "1 stopped cards, 1 ended sign-ins" in result.output
    assert app.test_client().get(f"/s/{lost_card}").status_code == 404
    thief = app.test_client()
    for name, value in copied.items():
        thief.set_cookie(name, value)
    assert 'class="signed-in-as"' not in thief.get("/fr/").get_data(as_text=True)


def test_restore_without_a_readable_database_says_old_cards_work_again(
    app, runner, tmp_path, database_backend
):
    if database_backend != "sqlite":
        pytest.skip("restore replaces the SQLite file; PostgreSQL is restored with pg_restore")
    backup = tmp_path / "before.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    from coursesite import services

    services.shared(app).database.close()
    damage(Path(app.instance_path) / "coursesite.db", "header")
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Old cards work again" in result.output
