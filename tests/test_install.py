"""A plain `pip install .` (not editable) serves styled pages and the starter lessons.

The lab may install coursesite as any Python package: the wheel must carry `static/` and
`lessons/`, which sit at the top of the checkout. This builds the wheel, installs it in a new
virtual environment, and starts the installed `coursesite serve` from a folder outside the
checkout, as a lab would.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the checkout's files (no build/ left from earlier)."""
    source = tmp_path_factory.mktemp("source")
    tracked = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # The compiled translations are built, not committed: carry them as `make` would.
    for mo in (ROOT / "coursesite" / "translations").rglob("*.mo"):
        shutil.copy2(mo, source / mo.relative_to(ROOT))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("coursesite-*.whl"))


def test_the_wheel_carries_the_stylesheet_scripts_and_starter_lessons(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "coursesite/static/css/site.css" in names
    assert any(n.startswith("coursesite/static/js/") for n in names)
    assert "coursesite/starter_lessons/paths.yml" in names
    for lang in ("fr", "en"):
        assert f"coursesite/starter_lessons/{lang}/creer-adresse-courriel/lesson.md" in names
    assert not any(n.startswith(("tests/", "static/", "lessons/")) for n in names)


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def test_the_installed_command_serves_a_styled_step_from_any_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "lab"
    elsewhere.mkdir()
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("COURSESITE_")
    }
    environment.pop("PYTHONPATH", None)
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(env_dir / "bin" / "coursesite"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=elsewhere,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, _, body = get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start: " + (tmp_path / "serve.log").read_text())
        status, _, page = get(base + "/fr/lessons/creer-adresse-courriel/1")
        assert status == 200
        html = page.decode()
        stylesheet = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        status, kind, css = get(base + stylesheet)
        assert status == 200 and kind.startswith("text/css") and b"font-size" in css
        # It ran the installed copy, with its instance folder where it was started.
        where = subprocess.run(
            [str(python), "-c", "import coursesite; print(coursesite.__file__)"],
            cwd=elsewhere,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert str(env_dir) in where and str(ROOT) not in where
        assert (elsewhere / "instance" / "coursesite.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
