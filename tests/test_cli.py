"""The `coursesite` command: init, serve, lessons check."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import FIXTURE_LESSONS, STARTER_LESSONS, free_port

COURSESITE = [sys.executable, "-m", "coursesite.cli"]


def environment(tmp_path: Path, lessons: Path = FIXTURE_LESSONS) -> dict:
    return {
        **os.environ,
        "COURSESITE_INSTANCE": str(tmp_path / "instance"),
        "COURSESITE_LESSONS": str(lessons),
    }


def test_init_creates_instance_folder_secret_key_and_database(tmp_path):
    result = subprocess.run(
        [*COURSESITE, "init"], env=environment(tmp_path), capture_output=True, text=True, check=True
    )
    instance = tmp_path / "instance"
    assert f"Instance folder: {instance}" in result.stdout
    key = (instance / "secret_key").read_text().strip()
    assert len(key) == 64 and (instance / "secret_key").stat().st_mode & 0o077 == 0
    assert (instance / "coursesite.db").stat().st_size > 0
    subprocess.run(
        [*COURSESITE, "init"], env=environment(tmp_path), check=True, capture_output=True
    )
    assert (instance / "secret_key").read_text().strip() == key  # never replaced once made


def test_two_instances_never_share_a_secret_key(tmp_path):
    for name in ("a", "b"):
        subprocess.run(
            [*COURSESITE, "init"], env=environment(tmp_path / name), check=True, capture_output=True
        )
    assert (tmp_path / "a/instance/secret_key").read_text() != (
        tmp_path / "b/instance/secret_key"
    ).read_text()


def test_serve_prints_addresses_serves_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"]
        + ["--log-level", "debug"],
        env=environment(tmp_path, STARTER_LESSONS),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not answer within 20 s"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/fr/", timeout=5) as response:
            assert "Leçons" in response.read().decode()
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0
    assert f"http://127.0.0.1:{port}/" in output
    assert "█" in output or "▀" in output  # the QR code drawn in the terminal
    assert "coursesite stopped." in output
    assert "set aside from the cycle collector" in output  # web/collector.py, before serving
    assert "Traceback" not in output


def test_lessons_check_reports_file_and_line_and_exit_code(tmp_path):
    import shutil

    root = tmp_path / "lessons"
    shutil.copytree(FIXTURE_LESSONS, root)
    ok = subprocess.run(
        [*COURSESITE, "lessons", "check", str(root)],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (root / "fr" / "bonjour" / "lesson.md").write_text(
        "---\ntitle: x\nsummary: y\nduration: beaucoup\n---\n## Un\n", encoding="utf-8"
    )
    bad = subprocess.run(
        [*COURSESITE, "lessons", "check", str(root)],
        env={**environment(tmp_path), "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    # In French unless asked otherwise, and each problem once (not again in the log).
    problem = (
        f"{root}/fr/bonjour/lesson.md:4: erreur: `duration` doit être un nombre entier de minutes"
    )
    assert problem in bad.stdout
    assert (bad.stdout + bad.stderr).count("fr/bonjour/lesson.md:4") == 1
    assert "Traceback" not in bad.stdout + bad.stderr


def serve_and_get_cookie(tmp_path, extra_env: dict) -> str:
    port = free_port()
    env = {**environment(tmp_path), **extra_env}
    process = subprocess.Popen(
        [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    return response.headers.get("Set-Cookie", "")
            except OSError:
                assert time.monotonic() < deadline, "server did not answer within 20 s"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_behind_a_trusted_proxy_https_requests_get_secure_cookies(tmp_path):
    assert "Secure" in serve_and_get_cookie(
        tmp_path / "a", {"COURSESITE_TRUSTED_PROXY": "127.0.0.1"}
    )
    # Without the setting, anybody could claim HTTPS with a header: it is not believed.
    assert "Secure" not in serve_and_get_cookie(tmp_path / "b", {})
