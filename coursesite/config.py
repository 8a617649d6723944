"""Settings: defaults < instance/config.py < COURSESITE_* environment variables."""

import json
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE.parent
# In a checkout, static/ and lessons/ sit beside the package; an installed wheel carries them
# inside it (pyproject.toml maps them to coursesite/static and coursesite/starter_lessons).
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "static").is_dir()
STATIC_FOLDER = PROJECT_ROOT / "static" if IN_CHECKOUT else PACKAGE / "static"
STARTER_LESSONS = PROJECT_ROOT / "lessons" if IN_CHECKOUT else PACKAGE / "starter_lessons"

DEFAULTS = {
    "LANGUAGES": ("fr", "en"),
    "BABEL_DEFAULT_LOCALE": "fr",
    "LESSONS": str(STARTER_LESSONS),
    # A catalogue refresh stats every lesson folder; once a second is plenty for staff
    # who save a file and reload the page.
    "LESSONS_RELOAD_INTERVAL": 1.0,
    # "auto": on Linux, the files are looked at only after the system reports a change in the
    # lessons folder; "poll": every file at every interval (network shares, some container
    # mounts, whose changes the system does not report).
    "LESSONS_WATCH": "auto",
    "DATABASE_URL": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # The public address printed on posters, slips and cards; guessed from the request if unset.
    "PUBLIC_URL": None,
    # The lab's address and phone, printed on each lesson's take-home sheet; lines separated
    # by ";" (e.g. "123, rue Saint-Jean, Québec; 418 555-0100").
    "LAB_ADDRESS": "",
    # Lab computers are shared: "Stay signed in" starts unticked on the sign-in form.
    "SHARED_COMPUTER": True,
    # Sign-in pauses after this many failures per username or address within the window.
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_FAILURE_WINDOW": 15 * 60,  # seconds
    # The lab's name on certificates and their verification page; a translated
    # "The community tech-help lab" when unset.
    "LAB_NAME": None,
    # Learners not seen for this long are anonymised by `coursesite purge` (Law 25).
    "PURGE_AFTER_MONTHS": 24,
    # `coursesite lessons check`: screenshots above these sizes are reported, and lessons
    # whose `updated` date is older than this many months get a "screenshots may be stale".
    "LESSON_IMAGE_MAX_BYTES": 500_000,
    "LESSON_IMAGE_MAX_PIXELS": 4096 * 4096,
    "LESSON_STALE_MONTHS": 12,
    # Widths (pixels) of the WebP copies made of each screenshot for small screens.
    "LESSON_IMAGE_WIDTHS": (480, 960, 1440),
    # What `coursesite serve` writes to the terminal (`--log-level` changes it).
    "LOG_LEVEL": "INFO",
    # "full": a step marked done (any write) is on the disk before the page says so, and
    # survives a power cut; "normal": faster on slow disks, survives a crash of the program
    # but may lose the last seconds of writes on a power cut. SQLite only.
    "SQLITE_SYNCHRONOUS": "full",
}

# The settings the README documents as COURSESITE_<NAME> (any setting can be set that way).
ENVIRONMENT = (
    "LESSONS",
    "LESSONS_RELOAD_INTERVAL",
    "LESSONS_WATCH",
    "PUBLIC_URL",
    "LAB_ADDRESS",
    "TRUSTED_PROXY",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "SHARED_COMPUTER",
    "LOGIN_MAX_FAILURES",
    "LOGIN_FAILURE_WINDOW",
    "PURGE_AFTER_MONTHS",
    "LAB_NAME",
    "LESSON_IMAGE_MAX_BYTES",
    "LESSON_IMAGE_MAX_PIXELS",
    "LESSON_STALE_MONTHS",
    "LOG_LEVEL",
    "SQLITE_SYNCHRONOUS",
)
# Settings that are yes/no: the environment says "true"/"false" (also 1/0, yes/no).
YES_NO = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "SHARED_COMPUTER")
NUMBERS = {
    "LESSONS_RELOAD_INTERVAL": float,
    "LOGIN_MAX_FAILURES": int,
    "LOGIN_FAILURE_WINDOW": int,
    "PURGE_AFTER_MONTHS": int,
    "LESSON_IMAGE_MAX_BYTES": int,
    "LESSON_IMAGE_MAX_PIXELS": int,
    "LESSON_STALE_MONTHS": int,
}


class SettingError(ValueError):
    """A setting whose value cannot be used, said in a sentence."""


def instance_path() -> Path:
    """Return the instance folder: COURSESITE_INSTANCE, else ./instance (beside the checkout)."""
    default = PROJECT_ROOT / "instance" if IN_CHECKOUT else Path.cwd() / "instance"
    return Path(os.environ.get("COURSESITE_INSTANCE") or default).resolve()


def load_config(app, test_config=None):
    """Fill app.config from defaults, the instance config file, the environment and tests."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    # COURSESITE_LESSONS=… sets LESSONS; values that read as JSON (numbers, true) are taken so.
    app.config.from_prefixed_env("COURSESITE")
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)
    read_types(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create_secret_key(Path(app.instance_path))
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "coursesite.db")


def read_types(config) -> None:
    """Turn the text of yes/no and number settings into values, or say which one is wrong."""
    for name in YES_NO:
        value = config.get(name)
        if isinstance(value, str):
            config[name] = value.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(value, int):
            config[name] = bool(value)
    synchronous = str(config.get("SQLITE_SYNCHRONOUS", "full")).strip().lower()
    if synchronous not in ("full", "normal"):
        raise SettingError(f"SQLITE_SYNCHRONOUS must be full or normal, not {synchronous!r}")
    config["SQLITE_SYNCHRONOUS"] = synchronous
    watch = str(config.get("LESSONS_WATCH", "auto")).strip().lower()
    if watch not in ("auto", "poll"):
        raise SettingError(f"LESSONS_WATCH must be auto or poll, not {watch!r}")
    config["LESSONS_WATCH"] = watch
    for name, kind in NUMBERS.items():
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise SettingError(f"{name} must be a number, not {value!r}")
        try:
            config[name] = kind(value)
        except ValueError:
            raise SettingError(f"{name} must be a number, not {value!r}") from None


def read_or_create_secret_key(folder: Path) -> str:
    """Return the instance's secret key, generating and saving it on first use."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32).hex()
    # Created with owner-only permissions: the key signs every session cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def describe(app) -> str:
    """Return the effective settings worth showing to staff, as JSON (secrets hidden)."""
    shown = {k: app.config[k] for k in ("LESSONS", "DATABASE_URL", "PUBLIC_URL")}
    return json.dumps(shown, indent=2)
