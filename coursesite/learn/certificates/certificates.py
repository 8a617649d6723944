"""Certificates of completion: earned, printed, checked by anyone at /verify/<code>, withdrawn.

A learner earns one for a path given to them when, for every lesson of the path that still
exists, they have done every step and answered every question right in one language of it
(wrong answers first cost nothing). A path of paths.yml with `lesson_certificates: true`
also lets each of its lessons give one of its own, offered at the end of the lesson.

The certificate keeps what it said on the day it was made: the path's title and its
lessons with their durations, in the learner's language. Its verification code (12
characters without look-alikes, about 59 random bits) is the only thing the public
/verify/<code> page takes; that page shows the first name and initial, the path, the date
and the lab, nothing else. Staff may withdraw one (and undo it); erasing the learner keeps
only an anonymous row under the code, so the page can say it is no longer available and
the reports can still count it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from coursesite import services
from coursesite.data.models import Certificate, HelpSession, User, utcnow
from coursesite.data.privacy.anonymous_models import AnonymousCertificate
from coursesite.desk.paths import assignments_of, find_lesson, named_path, path_title, progress_of
from coursesite.learn.questions.answers import answers_of
from coursesite.lessons.model import Lesson

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0, O, 1, I or L: read aloud or typed
CODE_LENGTH = 12
DEFAULT_LAB_NAME = _l("The community tech-help lab")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """Return a code in groups of four, as printed: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def clean_code(typed: str) -> str:
    """Return a code as stored, whatever its capitals, dashes or spaces."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())[: CODE_LENGTH + 4]


def lab_name() -> str:
    """Return the lab's name as printed on certificates: as staff set it at /staff/settings,
    else LAB_NAME from the configuration, else a plain description."""
    details = services.lab_details()
    if details.has_name:
        return details.name
    return current_app.config.get("LAB_NAME") or str(DEFAULT_LAB_NAME)


def first_name_and_initial(name: str) -> str:
    """Return "Carole T." for "Carole Tremblay": all the public page tells of a person."""
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0].upper()}."


def lesson_complete(lesson_id: str, progress, answers) -> bool:
    """Tell whether, in some language of the lesson, every step is done and question right."""
    catalogue = services.catalogue()
    for lang in catalogue.languages_of(lesson_id):
        lesson = catalogue.get(lang, lesson_id)
        if lesson and progress.next_step(lesson) is None and answers.all_right(lesson):
            return True
    return False


@dataclass
class Waiting:
    """A question still to answer right before the certificate, where to find it."""

    lesson: Lesson
    number: int  # the step it is on
    question_id: str


@dataclass
class CertificateState:
    """What "My path" and the helper's page show about a path's certificate."""

    certificate: Certificate | None
    ready: bool  # every step done and every question right: it can be made
    waiting: list[Waiting]  # questions left, when every step is done


def path_lessons(help_session: HelpSession, lang: str) -> list[Lesson]:
    return [lesson for i in help_session.lesson_ids if (lesson := find_lesson(i, lang))]


def state_of(existing: Certificate | None, learner: User, lessons: list[Lesson]):
    """Return whether a certificate for these lessons exists, can be made, or waits."""
    progress, answers = progress_of(learner), answers_of(learner)
    ready = bool(lessons) and all(lesson_complete(le.id, progress, answers) for le in lessons)
    waiting = []
    if not ready and lessons and all(progress.next_step(le) is None for le in lessons):
        for lesson in lessons:
            if lesson_complete(lesson.id, progress, answers):
                continue
            for number, step in enumerate(lesson.steps, start=1):
                for question in step.questions:
                    if not answers.answered_right(lesson.id, question.id):
                        waiting.append(Waiting(lesson, number, question.id))
    return CertificateState(existing, ready, waiting)


def certificate_state(learner: User, help_session: HelpSession, lang: str) -> CertificateState:
    """Return whether the path's certificate exists, can be made, or what it waits for."""
    existing = (
        Certificate.select()
        .where((Certificate.learner == learner) & (Certificate.help_session == help_session))
        .first()
    )
    return state_of(existing, learner, path_lessons(help_session, lang))


def lesson_certificates_allowed(lesson_id: str) -> bool:
    """Tell whether a path of paths.yml lets this lesson give a certificate of its own."""
    return any(
        path.lesson_certificates and lesson_id in path.lesson_ids
        for path in services.catalogue().paths()
    )


def lesson_certificate_state(learner: User, lesson: Lesson) -> CertificateState | None:
    """Return the state of a single lesson's certificate, or None if paths.yml allows none."""
    if not lesson_certificates_allowed(lesson.id):
        return None
    existing = (
        Certificate.select()
        .where(
            (Certificate.learner == learner)
            & (Certificate.lesson_id == lesson.id)
            & Certificate.help_session.is_null()
        )
        .first()
    )
    return state_of(existing, learner, [lesson])


def make(learner: User, lessons: list[Lesson], title: str, **fields) -> Certificate:
    """Create a certificate with a fresh code, saying what it says on this day."""
    for _attempt in range(5):  # a code already taken (one chance in 10^17) draws another
        code = new_code()
        if not Certificate.select().where(Certificate.code == code).exists() and not (
            AnonymousCertificate.select().where(AnonymousCertificate.code == code).exists()
        ):
            break
    return Certificate.create(
        learner=learner,
        code=code,
        title=title[:200],
        lessons=json.dumps(
            [[lesson.id, lesson.title, lesson.duration] for lesson in lessons], ensure_ascii=False
        ),
        language=learner.language,
        issued_at=utcnow(),
        **fields,
    )


def issue(learner: User, help_session: HelpSession) -> Certificate | None:
    """Make the path's certificate if earned (once: the same one comes back); else None."""
    state = certificate_state(learner, help_session, learner.language)
    if state.certificate is not None or not state.ready:
        return state.certificate
    lang = learner.language
    path = named_path(help_session.path_id)
    title = path.title(lang) if path else help_session.title
    lessons = path_lessons(help_session, lang)
    return make(learner, lessons, title, help_session=help_session, path_id=help_session.path_id)


def issue_for_lesson(learner: User, lesson_id: str) -> Certificate | None:
    """Make a single lesson's certificate if paths.yml allows it and it is earned; else None."""
    lesson = find_lesson(lesson_id, learner.language)
    state = lesson and lesson_certificate_state(learner, lesson)
    if not state:
        return None
    if state.certificate is not None or not state.ready:
        return state.certificate
    return make(learner, [lesson], lesson.title, lesson_id=lesson.id)


def certificates_of(learner: User) -> list[Certificate]:
    """Return a learner's certificates, newest first."""
    return list(
        Certificate.select()
        .where(Certificate.learner == learner)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def find(code: str) -> Certificate | None:
    return Certificate.get_or_none(Certificate.code == clean_code(code))


def set_revoked(certificate: Certificate, revoked: bool) -> None:
    """Withdraw a certificate (its page then says so), or undo that."""
    certificate.revoked_at = utcnow() if revoked else None
    certificate.save()


def listed_lessons(certificate: Certificate) -> list[dict]:
    """Return the certificate's lessons as on the day it was made."""
    try:
        rows = json.loads(certificate.lessons or "[]")
    except ValueError:
        return []
    return [
        {"id": row[0], "title": row[1], "minutes": row[2]}
        for row in rows
        if isinstance(row, list) and len(row) == 3
    ]


def with_certificates(my_path: dict | None, lang: str) -> dict | None:
    """Add the current path's certificate and every certificate earned to "My path"."""
    if my_path is None:
        return None
    learner = my_path["current"].help_session.learner
    my_path["certificate"] = certificate_state(learner, my_path["current"].help_session, lang)
    my_path["certificates"] = certificates_of(learner)
    return my_path


def certificate_rows(learner: User, lang: str) -> dict:
    """Return a learner's certificates, and the paths whose certificate can be made now."""
    made = certificates_of(learner)
    with_one = {certificate.help_session_id for certificate in made}
    ready = []
    for help_session in assignments_of(learner):
        if help_session.id not in with_one and certificate_state(learner, help_session, lang).ready:
            ready.append({"help_session": help_session, "title": path_title(help_session, lang)})
    return {"certificates": made, "ready_paths": ready}
