"""Start a lesson folder: from a template, or from the lesson in another language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

LESSON_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
DRAFT_LINE = re.compile(r"^draft:.*$", re.MULTILINE)

TEMPLATES = {
    "fr": """---
title: Titre de la leçon
summary: Une phrase qui dit ce qu'on apprend.
duration: 15
level: 1
topics: [courriel]
updated: {today}
draft: true
---

Quelques phrases pour dire à quoi sert la leçon et ce qu'il faut avoir sous la main.

## Première étape {{#first-step}}

Une seule action par étape. Dites où regarder, puis quoi faire.

<!-- Une capture d'écran, enregistrée dans ce dossier :
![Ce que montre l'image, et où est le bouton](ecran.png){{highlight="70,80,20,10"}}
-->

## Deuxième étape {{#second-step}}

> [!TIP]
> Une astuce, si elle aide vraiment.
""",
    "en": """---
title: Lesson title
summary: One sentence that says what the learner will learn.
duration: 15
level: 1
topics: [email]
updated: {today}
draft: true
---

A few sentences about what the lesson is for and what to have at hand.

## First step {{#first-step}}

One action per step. Say where to look, then what to do.

<!-- A screenshot, saved in this folder:
![What the picture shows, and where the button is](screen.png){{highlight="70,80,20,10"}}
-->

## Second step {{#second-step}}

> [!TIP]
> A tip, if it really helps.
""",
}


class NewLessonError(ValueError):
    """A lesson that cannot be created as asked; the message says why."""


def create_lesson(
    root: Path, lesson_id: str, lang: str, languages, today: dt.date | None = None
) -> tuple[Path, str | None]:
    """Create root/lang/lesson_id/lesson.md; return it and the language copied from, if any.

    When the lesson already exists in another language, its folder is copied (text and
    pictures) as a draft to translate: step ids and picture names then match.
    """
    if not LESSON_ID.fullmatch(lesson_id):
        raise NewLessonError(
            f"`{lesson_id}` cannot be a lesson id: use a-z, 0-9 and -, like creer-adresse"
        )
    if lang not in languages:
        raise NewLessonError(f"`{lang}` is not a language of the site ({', '.join(languages)})")
    folder = Path(root) / lang / lesson_id
    if folder.exists():
        raise NewLessonError(f"{folder} already exists")
    source = next(
        (other for other in languages if (Path(root) / other / lesson_id / "lesson.md").is_file()),
        None,
    )
    if source:
        shutil.copytree(Path(root) / source / lesson_id, folder)
        path = folder / "lesson.md"
        text = path.read_text(encoding="utf-8")
        text, marked = DRAFT_LINE.subn("draft: true", text, count=1)
        if not marked:
            text = text.replace("\n---", "\ndraft: true\n---", 1)
        path.write_text(text, encoding="utf-8")
        return path, source
    folder.mkdir(parents=True)
    path = folder / "lesson.md"
    today = today or dt.date.today()
    template = TEMPLATES.get(lang, TEMPLATES["en"])
    path.write_text(template.format(today=today.isoformat()), encoding="utf-8")
    return path, None
