"""Tell whether anything in a lessons folder may have changed since last asked.

On Linux the kernel says so (inotify): the catalogue then looks at its 6,000 files only after
an event, instead of every second. The folder itself (for paths.yml and the language folders),
each language folder and every folder under them (lesson folders, picture subfolders) are
watched. Wherever the events cannot be trusted — not Linux, no inotify, the watch limit reached,
a network or FUSE filesystem (which do not report another machine's edits), a symbolic link to
a file (its edits are reported in the target's folder) — `changed()` answers True every time:
the catalogue checks every file at every interval, as it always did.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import logging
import os
import struct
import sys
import weakref
from pathlib import Path

log = logging.getLogger(__name__)

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_ONLYDIR = 0x01000000
WATCHED = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
WATCHED |= IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name
# Filesystems whose events miss edits made elsewhere (statfs f_type): NFS, SMB/CIFS, FUSE
# (sshfs, some container mounts), 9p (WSL's Windows drives), Ceph, virtiofs.
NO_EVENTS = frozenset(
    {0x6969, 0x517B, 0xFF534D42, 0xFE534D42, 0x65735546, 0x01021997, 0x00C36400, 0x6A656A63}
)


class Unwatchable(Exception):
    """The folder's changes cannot be told by events: check every file instead."""


@functools.cache
def libc():
    """Return the C library with inotify, or raise Unwatchable."""
    if not sys.platform.startswith("linux"):
        raise Unwatchable(f"no inotify on {sys.platform}")
    library = ctypes.CDLL(None, use_errno=True)
    if not hasattr(library, "inotify_init1"):
        raise Unwatchable("the C library has no inotify")
    library.inotify_add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
    library.inotify_rm_watch.argtypes = (ctypes.c_int, ctypes.c_int)
    library.statfs.argtypes = (ctypes.c_char_p, ctypes.c_void_p)
    return library


def failed(what: str) -> OSError:
    """Return the OSError of the C call that just failed."""
    code = ctypes.get_errno()
    return OSError(code, f"{what}: {os.strerror(code)}")


class FileEvents:
    """Say whether anything under root's language folders, or paths.yml, may have changed."""

    def __init__(self, root: Path, languages, mode: str = "auto"):
        """Watch `root` (mode "auto"), or answer "changed" every time (mode "poll")."""
        self.root = os.fspath(root)
        self.languages = tuple(languages)
        self.polling = mode == "poll"
        self._fd: int | None = None
        self._close_fd = None
        self._folders: dict[int, str] = {}  # watch descriptor: folder path
        self._root_wd = -1
        self._lost = False  # events were dropped, or the folder went: watch anew
        self._fresh = True  # watched since the last question: what was there is not known
        if self.polling:
            log.debug("lessons: every file checked at each interval (LESSONS_WATCH is poll)")
        elif self._restart():
            log.debug("lessons: %s watched for changes (%d folders)", self.root, len(self._folders))

    def changed(self) -> bool:
        """Tell whether anything may have changed since the last call (the first: True)."""
        if self.polling:
            return True
        fresh, self._fresh = self._fresh, False
        if not self._lost:
            try:
                changed = self._read_events() or fresh
            except Unwatchable as exc:
                self._give_up(exc)
                return True
            except OSError as exc:
                log.warning("lessons: file events lost (%s): watching anew", exc)
                self._lost = True
        if self._lost:  # watched anew now: the look that follows this answer sees the rest
            self._restart()
            self._fresh = False
            return True
        return changed

    def close(self) -> None:
        """Stop watching: from now on, every question is answered "changed"."""
        self._drop()
        self.polling = True

    def _drop(self) -> None:
        """Close the kernel's queue, if open, and forget the watches."""
        if self._close_fd is not None:
            self._close_fd()
        self._fd, self._close_fd, self._folders = None, None, {}

    # Watching

    def _start(self) -> None:
        """Open the kernel's queue and watch the folders; raise what makes it impossible."""
        self._drop()
        fd = libc().inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise failed("inotify_init1")
        self._fd = fd
        # Closed when this object goes (tests make many catalogues), or by close().
        self._close_fd = weakref.finalize(self, os.close, fd)
        self._root_wd = self._watch(self.root)
        for lang in self.languages:
            self._watch_tree(os.path.join(self.root, lang))
        self._lost = False
        self._fresh = True

    def _restart(self) -> bool:
        """Watch anew (at first, after events were lost); return True if watching."""
        try:
            self._start()
            return True
        except Unwatchable as exc:
            self._give_up(exc)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                self._give_up(exc)
            else:  # the lessons folder is missing: tried again at the next question
                self._drop()
                self._lost = True
        return False

    def _give_up(self, reason: Exception) -> None:
        """Check every file at every interval from now on, and say why once."""
        self.close()
        log.warning("lessons: every file checked at each interval: %s", reason)

    def _watch(self, folder: str) -> int:
        """Watch one folder; return its watch descriptor."""
        if not self._has_events(folder):
            raise Unwatchable(f"{folder} is on a network or FUSE filesystem")
        wd = libc().inotify_add_watch(self._fd, os.fsencode(folder), WATCHED | IN_ONLYDIR)
        if wd < 0:
            error = failed(f"watching {folder}")
            if error.errno == errno.ENOSPC:
                raise Unwatchable(
                    "too many folders for the system's watch limit "
                    "(/proc/sys/fs/inotify/max_user_watches)"
                )
            raise error
        self._folders[wd] = folder
        return wd

    def _watch_tree(self, top: str) -> None:
        """Watch a folder and every folder under it (a folder that went: nothing)."""
        seen, folders = set(), [top]
        while folders:
            folder = folders.pop()
            try:
                wd = self._watch(folder)
                entries = list(os.scandir(folder))
            except OSError as exc:
                if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                    continue  # gone already (its parent's event says it changed)
                raise
            if wd in seen:
                continue  # a symbolic link back to a folder already watched
            seen.add(wd)
            for entry in entries:
                if entry.is_dir():
                    folders.append(entry.path)
                elif entry.is_symlink():
                    raise Unwatchable(f"{entry.path} is a symbolic link to a file")

    def _forget_tree(self, top: str) -> None:
        """Stop watching a folder moved away, and the folders under it."""
        for wd, folder in list(self._folders.items()):
            if folder == top or folder.startswith(top + os.sep):
                del self._folders[wd]
                libc().inotify_rm_watch(self._fd, wd)  # already gone: an error, ignored

    def _has_events(self, folder: str) -> bool:
        """Tell whether the folder's filesystem reports every change (not a network one)."""
        buffer = ctypes.create_string_buffer(512)  # struct statfs, f_type first
        if libc().statfs(os.fsencode(folder), buffer) != 0:
            return True  # missing: adding its watch says so
        return ctypes.c_long.from_buffer(buffer).value & 0xFFFFFFFF not in NO_EVENTS

    # Reading

    def _read_events(self) -> bool:
        """Read every waiting event, following new folders; return True if any matters."""
        changed = False
        for wd, mask, name in self._events():
            if mask & IN_Q_OVERFLOW:
                log.info("lessons: too many file events at once: every file checked")
                self._lost = True  # events were dropped: folders made then may be unwatched
                return True
            folder = self._folders.get(wd)
            if folder is None:
                continue  # a folder already forgotten
            if wd == self._root_wd:
                if mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED):
                    log.info("lessons: %s moved or removed: watching anew", self.root)
                    self._lost = True
                    return True
                if name != "paths.yml" and name not in self.languages:
                    continue  # synonyms.yml, a README, .git: not the catalogue's
            changed = True
            path = os.path.join(folder, name)
            if mask & IN_IGNORED:
                del self._folders[wd]  # the folder was deleted: its parent said so
            elif mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                # `mkdir -p`, or a lesson folder moved in with its pictures: watch it all.
                self._watch_tree(path)
            elif mask & IN_ISDIR and mask & IN_MOVED_FROM:
                self._forget_tree(path)
            elif mask & IN_CREATE and os.path.islink(path):
                raise Unwatchable(f"{path} is a symbolic link")
        return changed

    def _events(self):
        """Yield (wd, mask, name) for each event waiting in the kernel's queue."""
        while self._fd is not None:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = EVENT.unpack_from(data, offset)
                offset += EVENT.size
                name = data[offset : offset + length].split(b"\0", 1)[0]
                offset += length
                yield wd, mask, os.fsdecode(name)
