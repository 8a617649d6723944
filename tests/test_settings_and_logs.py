"""Settings from the environment, and logging set up in one place."""

import logging
import re
import subprocess

import pytest

from coursesite import create_app
from coursesite.config import SettingError
from tests.test_cli import COURSESITE, environment, free_port


def test_prefixed_environment_settings_are_read_with_their_types(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSESITE_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("COURSESITE_SHARED_COMPUTER", "false")
    monkeypatch.setenv("COURSESITE_PUBLIC_URL", "http://192.168.1.20:8000/")
    monkeypatch.setenv("COURSESITE_LESSONS_RELOAD_INTERVAL", "2.5")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["LOGIN_MAX_FAILURES"] == 3
    assert app.config["SHARED_COMPUTER"] is False
    assert app.config["PUBLIC_URL"] == "http://192.168.1.20:8000/"
    assert app.config["LESSONS_RELOAD_INTERVAL"] == 2.5


def test_the_environment_wins_over_the_instance_config_file(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("LOGIN_MAX_FAILURES = 5\nPURGE_AFTER_MONTHS = 12\n")
    monkeypatch.setenv("COURSESITE_LOGIN_MAX_FAILURES", "7")
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.config["LOGIN_MAX_FAILURES"] == 7  # environment over file
    assert app.config["PURGE_AFTER_MONTHS"] == 12  # file over default


@pytest.mark.parametrize("word", ["yes", "1", "TRUE", "on"])
def test_yes_no_settings_accept_the_usual_words(tmp_path, monkeypatch, word):
    monkeypatch.setenv("COURSESITE_SESSION_COOKIE_SECURE", word)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_number_setting_that_is_not_a_number_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSESITE_LOGIN_MAX_FAILURES", "ten")
    with pytest.raises(SettingError, match="LOGIN_MAX_FAILURES must be a number"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})


def test_serve_logs_with_a_timestamp_to_stderr_at_the_level_asked(tmp_path):
    port = free_port()
    env = environment(tmp_path)
    # A request for a missing lesson logs nothing at INFO; a start-up message does at DEBUG.
    for level, expect_debug in (("info", False), ("debug", True)):
        process = subprocess.Popen(
            [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--log-level", level],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _, stderr = process.communicate(timeout=4)
        except subprocess.TimeoutExpired:
            process.terminate()
            _, stderr = process.communicate(timeout=10)
        lines = [line for line in stderr.splitlines() if " coursesite." in line]
        assert lines, stderr
        assert all(
            re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ coursesite\.", x) for x in lines
        )
        assert any(" DEBUG " in line for line in lines) is expect_debug, stderr


def test_modules_log_through_coursesite_loggers_only():
    from pathlib import Path

    import coursesite

    root = Path(coursesite.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if re.search(r"\b(current_app|app)\.logger\b", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert logging.getLogger("coursesite").handlers, "create_app configures the coursesite logger"
