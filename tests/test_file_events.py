"""The catalogue looks at its files only after the system reported a change (Linux inotify).

Each edit a staff member can make (in place, a new folder, a rename, a picture in a subfolder,
paths.yml) is seen at the next look without forcing it; while nothing happens, no file is
looked at; where events cannot be had, every file is looked at every time, as before.
paths.yml edited or removed: tests/test_catalogue.py, whose catalogues watch the same way.
"""

import contextlib
import ctypes
import errno
import gc
import logging
import os
import shutil
import sys

import pytest
from PIL import Image

from coursesite import services
from coursesite.config import SettingError
from coursesite.lessons.publishing import catalogue as catalogue_module
from coursesite.lessons.publishing import file_events
from coursesite.lessons.publishing.catalogue import Catalogue
from tests.conftest import FIXTURE_LESSONS, make_app, write_later

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")

LESSON = "---\ntitle: {title}\nsummary: s\nduration: 5\n---\n## Un {{#one}}\n\nTexte\n"
WITH_PICTURE = LESSON + "\n![Une porte](images/porte.png)\n"


@pytest.fixture(autouse=True)
def queues_of_earlier_tests_freed():
    """Apps made earlier in the run close their inotify queue when their reference cycles are
    collected; a user may hold only 128 queues (max_user_instances): free them first."""
    gc.collect()


@pytest.fixture
def looks(monkeypatch):
    """Count the lesson files looked at (each look stats the file, its folder, its pictures)."""
    calls = []
    real = catalogue_module.file_signature
    monkeypatch.setattr(
        catalogue_module, "file_signature", lambda *a: calls.append(a[0]) or real(*a)
    )
    return calls


def inotify_fds() -> int:
    """Return how many inotify queues this process holds open."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed since
            count += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify"
    return count


def test_nothing_is_looked_at_while_no_file_changes(lessons_copy, looks):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert looks  # the first look reads every lesson
    looks.clear()
    for _ in range(20):
        assert cat.get("fr", "bonjour").title == "Dire bonjour"
    assert looks == []
    write_later(lessons_copy / "en" / "bonjour" / "lesson.md", LESSON.format(title="Hi"))
    assert cat.get("en", "bonjour").title == "Hi"
    assert len(looks) >= 2  # every lesson, as before: one change may hide another
    looks.clear()
    cat.get("en", "bonjour")
    assert looks == []


def test_a_forced_refresh_looks_at_every_file(lessons_copy, looks):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    looks.clear()
    cat.refresh(force=True)
    assert len(looks) == 2


def test_an_edit_in_place_of_the_same_size_is_seen(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    path = lessons_copy / "fr" / "bonjour" / "lesson.md"
    write_later(path, LESSON.format(title="Avant"))
    assert cat.get("fr", "bonjour").title == "Avant"
    with open(path, "r+b") as file:  # the same bytes but the title's, as an editor saves
        file.write(path.read_bytes().replace(b"Avant", b"Apres"))
    assert cat.get("fr", "bonjour").title == "Apres"


def test_a_new_lesson_folder_is_seen(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert cat.get("fr", "nouvelle") is None
    folder = lessons_copy / "fr" / "nouvelle"
    folder.mkdir()
    assert cat.get("fr", "nouvelle") is None
    (folder / "lesson.md").write_text(LESSON.format(title="Nouvelle"), encoding="utf-8")
    assert cat.get("fr", "nouvelle").title == "Nouvelle"


def test_a_lesson_folder_renamed_then_removed_is_seen(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    (lessons_copy / "fr" / "bonjour").rename(lessons_copy / "fr" / "salut")
    assert cat.get("fr", "bonjour") is None
    assert cat.get("fr", "salut").title == "Dire bonjour"
    write_later(lessons_copy / "fr" / "salut" / "lesson.md", LESSON.format(title="Salut"))
    assert cat.get("fr", "salut").title == "Salut"  # still watched under its new name
    shutil.rmtree(lessons_copy / "fr" / "salut")
    assert cat.get("fr", "salut") is None


def test_a_picture_overwritten_in_a_subfolder_is_seen(lessons_copy):
    folder = lessons_copy / "fr" / "bonjour"
    (folder / "images").mkdir()
    Image.new("RGB", (40, 30), "white").save(folder / "images" / "porte.png")
    write_later(folder / "lesson.md", WITH_PICTURE.format(title="Image"))
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert cat.problems() == []
    (folder / "images" / "porte.png").write_bytes(b"not a picture")
    assert "images/porte.png" in str(cat.problems())


def test_a_lesson_folder_moved_in_with_its_subfolders_is_watched_whole(lessons_copy, tmp_path):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    outside = tmp_path / "elsewhere" / "venue"
    (outside / "images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "white").save(outside / "images" / "porte.png")
    write_later(outside / "lesson.md", WITH_PICTURE.format(title="Venue"))
    outside.rename(lessons_copy / "fr" / "venue")
    assert cat.get("fr", "venue").title == "Venue" and cat.problems() == []
    (lessons_copy / "fr" / "venue" / "images" / "porte.png").write_bytes(b"broken")
    assert "images/porte.png" in str(cat.problems())


def test_folders_made_at_once_are_all_watched(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    folder = lessons_copy / "fr" / "profonde"
    (folder / "images" / "petites").mkdir(parents=True)  # mkdir -p
    Image.new("RGB", (40, 30), "white").save(folder / "images" / "petites" / "porte.png")
    text = LESSON.format(title="Profonde") + "\n![Une porte](images/petites/porte.png)\n"
    (folder / "lesson.md").write_text(text, encoding="utf-8")
    assert cat.get("fr", "profonde").title == "Profonde" and cat.problems() == []
    (folder / "images" / "petites" / "porte.png").write_bytes(b"broken")
    assert "images/petites/porte.png" in str(cat.problems())


def test_other_files_beside_the_language_folders_are_not_a_reason_to_look(lessons_copy, looks):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    looks.clear()
    (lessons_copy / "README.txt").write_text("notes", encoding="utf-8")
    (lessons_copy / "de").mkdir()  # not a language of the site
    cat.current()
    assert looks == []


def test_a_language_folder_made_later_is_watched(tmp_path):
    root = tmp_path / "lessons"
    root.mkdir()
    cat = Catalogue(root, ("fr", "en"), reload_interval=0)
    assert cat.lessons("fr") == []
    (root / "fr" / "premiere").mkdir(parents=True)
    (root / "fr" / "premiere" / "lesson.md").write_text(LESSON.format(title="Un"), "utf-8")
    assert [lesson.title for lesson in cat.lessons("fr")] == ["Un"]


def test_events_lost_in_an_overflow_mean_a_full_look_then_watching_again(
    lessons_copy, looks, caplog
):
    caplog.set_level(logging.INFO, "coursesite.lessons.publishing.file_events")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    a, b = (
        lessons_copy / "fr" / "bonjour" / "lesson.md",
        lessons_copy / "en" / "bonjour" / "lesson.md",
    )
    for i in range(9000):  # more events than the kernel keeps (16,384 by default)
        os.utime(a, ns=(i, i))
        os.utime(b, ns=(i, i))
    new = lessons_copy / "fr" / "apres"
    new.mkdir()
    write_later(new / "lesson.md", LESSON.format(title="Après"))
    assert cat.get("fr", "apres").title == "Après"
    assert "too many file events at once" in caplog.text
    looks.clear()
    cat.current()
    assert looks == []  # watching again
    write_later(new / "lesson.md", LESSON.format(title="Encore"))
    assert cat.get("fr", "apres").title == "Encore"


def test_lessons_watch_poll_looks_at_every_file_every_time(lessons_copy, looks, caplog):
    caplog.set_level(logging.DEBUG, "coursesite.lessons.publishing.file_events")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, watch="poll")
    assert "LESSONS_WATCH is poll" in caplog.text
    looks.clear()
    cat.current()
    assert len(looks) == 2
    write_later(lessons_copy / "fr" / "bonjour" / "lesson.md", LESSON.format(title="Vu"))
    assert cat.get("fr", "bonjour").title == "Vu"


class FailingLibc:
    """The real C library, but for one call that fails as a full or odd system makes it."""

    def __init__(self, name, result, code, real=None):
        self.real, self.name = real or file_events.libc(), name
        self.result, self.code = result, code

    def __getattr__(self, name):
        real = getattr(self.real, name)
        if name != self.name:
            return real

        def fail(*args):
            if self.name == "statfs":  # a filesystem that reports no edit made elsewhere
                real(*args)
                ctypes.c_long.from_buffer(args[1]).value = self.result
                return 0
            ctypes.set_errno(self.code)
            return self.result

        return fail


@pytest.mark.parametrize(
    ("call", "result", "code", "said"),
    [
        ("inotify_init1", -1, errno.EMFILE, "inotify_init1: Too many open files"),
        ("inotify_add_watch", -1, errno.ENOSPC, "max_user_watches"),
        ("statfs", 0x6969, 0, "network or FUSE filesystem"),  # NFS
    ],
)
def test_without_events_every_file_is_looked_at_as_before(
    lessons_copy, looks, caplog, monkeypatch, call, result, code, said
):
    gc.collect()
    before = inotify_fds()
    failing = FailingLibc(call, result, code)
    monkeypatch.setattr(file_events, "libc", lambda: failing)
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert said in caplog.text and "every file checked at each interval" in caplog.text
    looks.clear()
    cat.current()
    assert len(looks) == 2
    write_later(lessons_copy / "fr" / "bonjour" / "lesson.md", LESSON.format(title="Vu"))
    assert cat.get("fr", "bonjour").title == "Vu"
    assert inotify_fds() == before  # none left open


def test_a_symbolic_link_to_a_file_means_looking_at_every_file(lessons_copy, tmp_path, looks):
    (tmp_path / "porte.png").write_bytes(
        (lessons_copy / "fr" / "bonjour" / "porte.png").read_bytes()
    )
    os.symlink(tmp_path / "porte.png", lessons_copy / "en" / "bonjour" / "autre.png")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    looks.clear()
    cat.current()
    assert len(looks) == 2


def test_the_lessons_folder_put_back_from_a_copy_is_watched_anew(lessons_copy, tmp_path, looks):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    lessons_copy.rename(tmp_path / "away")
    assert cat.lessons("fr") == []
    shutil.copytree(tmp_path / "away", lessons_copy)  # new folders: the old watches are useless
    write_later(lessons_copy / "fr" / "bonjour" / "lesson.md", LESSON.format(title="Revenu"))
    assert cat.get("fr", "bonjour").title == "Revenu"
    looks.clear()
    cat.current()
    assert looks == []
    write_later(lessons_copy / "fr" / "bonjour" / "lesson.md", LESSON.format(title="Encore"))
    assert cat.get("fr", "bonjour").title == "Encore"


def test_a_lesson_folder_moved_out_is_no_longer_a_reason_to_look(lessons_copy, tmp_path, looks):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    (lessons_copy / "fr" / "bonjour").rename(tmp_path / "archive")
    assert cat.get("fr", "bonjour") is None
    looks.clear()
    write_later(tmp_path / "archive" / "lesson.md", LESSON.format(title="Archivée"))
    cat.current()
    assert looks == []


def test_catalogues_dropped_or_closed_free_their_watches(lessons_copy):
    gc.collect()
    before = inotify_fds()
    for _ in range(200):
        Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert inotify_fds() == before
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert inotify_fds() == before + 1
    cat.close()
    assert inotify_fds() == before
    write_later(lessons_copy / "fr" / "bonjour" / "lesson.md", LESSON.format(title="Fermé"))
    assert cat.get("fr", "bonjour").title == "Fermé"  # every file looked at, as before


def test_the_setting_chooses_polling(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG, "coursesite.lessons.publishing.file_events")
    monkeypatch.setenv("COURSESITE_LESSONS_WATCH", " Poll ")
    app = make_app(tmp_path, FIXTURE_LESSONS)
    assert app.config["LESSONS_WATCH"] == "poll"
    assert app.test_client().get("/fr/lessons/bonjour/").status_code == 200
    assert "LESSONS_WATCH is poll" in caplog.text
    services.catalogue(app).close()
    monkeypatch.setenv("COURSESITE_LESSONS_WATCH", "sometimes")
    with pytest.raises(SettingError, match="LESSONS_WATCH must be auto or poll"):
        make_app(tmp_path / "other", FIXTURE_LESSONS)


def test_a_catalogue_read_on_the_first_question_reads_every_lesson(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0, lazy=True)
    assert cat.get("fr", "bonjour").title == "Dire bonjour"


def test_the_watch_limit_reached_later_means_looking_at_every_file(
    lessons_copy, looks, caplog, monkeypatch
):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    real = file_events.libc()

    monkeypatch.setattr(
        file_events, "libc", lambda: FailingLibc("inotify_add_watch", -1, errno.ENOSPC, real)
    )
    folder = lessons_copy / "fr" / "nouvelle"
    folder.mkdir()
    write_later(folder / "lesson.md", LESSON.format(title="Nouvelle"))
    assert cat.get("fr", "nouvelle").title == "Nouvelle"
    assert "max_user_watches" in caplog.text
    looks.clear()
    cat.current()
    assert len(looks) == 3  # every lesson, every time, as before
    write_later(folder / "images" / "porte.png", "x")  # in a folder made after the limit
    write_later(folder / "lesson.md", LESSON.format(title="Revue"))
    assert cat.get("fr", "nouvelle").title == "Revue"
