"""What the pages a lab uses most cost after years of use: invented people, in-process.

Usage: .venv/bin/python benchmarks/lab_years.py [--learners 1500] [--years 3]
           [--json FILE] [--out RESULTS.md]

run.py loads a new site with wrk; this one asks what a lab's own history does to its pages.
It makes two SQLite databases in throw-away instance folders, with the starter lessons:
"new" (the measured people only) and "years" (the same people, and N invented learners
over the years: steps done, an exponential spread of about 100 each, answers, help
requests, paths, groups and sign-ins; the measured learner has 400 steps done). Each page
is asked for by the WSGI application directly (Flask's test client, signed in as its
person), warmed up, then timed: the median of up to 20 runs, with its SQL query count.
No data is real; names are made up and numbered.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN, END = "<!-- lab_years.py: begin -->", "<!-- lab_years.py: end -->"
PASSWORD = "lab-years-47"
PEOPLE = {"learner": "lea.long", "helper": "hugo.aide", "staff": "sam.staff"}
SCRYPT_FAST = "scrypt:1024:8:1"  # sign-ins of the measured people only; not a lab setting


def pages(ids: dict) -> dict[str, list[str]]:
    lesson, group, learner = ids["lesson"], ids["group"], ids["learner"]
    years_ago = (dt.date.today() - dt.timedelta(days=3 * 365)).isoformat()
    return {
        "learner": ["/fr/", f"/fr/lessons/{lesson}/3", f"/fr/lessons/{lesson}/"],
        "helper": [
            "/helper/",
            "/helper/?q=apprenant 01",
            f"/helper/?group={group}",
            f"/helper/learners/{learner}",
            f"/helper/groups/{group}",
        ],
        "staff": [
            "/staff/learners",
            "/staff/reports",
            f"/staff/reports?from={years_ago}",
            "/staff/reports/summary.csv",
            "/staff/reports/steps.csv",
            "/staff/reports/questions.csv",
        ],
    }


def make_app(instance: Path):
    os.environ["COURSESITE_INSTANCE"] = str(instance)
    os.environ["COURSESITE_LESSONS"] = str(ROOT / "lessons")
    os.environ.pop("DATABASE_URL", None)
    from werkzeug.security import generate_password_hash

    from coursesite import create_app
    from coursesite.accounts import users

    users.generate_password_hash = partial(generate_password_hash, method=SCRYPT_FAST)
    return create_app({"LESSONS_RELOAD_INTERVAL": 0})


def fill(app, learners: int, years: int) -> dict:
    """Make the measured people, and with `learners`, a lab's years of invented history."""
    from coursesite import services
    from coursesite.accounts.users import create_user
    from coursesite.data.database import database
    from coursesite.data.models import (
        GroupMember,
        HelpRequest,
        HelpSession,
        LearnerGroup,
        QuestionAnswer,
        SignIn,
        StepProgress,
        User,
    )

    draw = random.Random(47)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def some_time(days_back: float = years * 365) -> dt.datetime:
        return now - dt.timedelta(days=days_back * draw.random())

    def insert(model, rows):
        with database.atomic():
            for start in range(0, len(rows), 500):
                model.insert_many(rows[start : start + 500]).execute()

    with app.app_context(), database.connection_context():
        ids = {
            role: create_user(name, role, f"Mesure {role}", PASSWORD)[0].id
            for role, name in PEOPLE.items()
        }
        lessons = services.catalogue().lessons("fr")
        ids["lesson"] = lessons[0].id
        steps = [(lesson.id, step.id) for lesson in lessons for step in lesson.steps]
        questions = [
            (lesson.id, q.id) for lesson in lessons for s in lesson.steps for q in s.questions
        ]
        # Lessons since removed or renamed: their rows stay (progress is kept by id).
        steps += [(f"ancienne-lecon-{n}", f"etape-{k}") for n in range(40) for k in range(10)]
        ids["group"] = LearnerGroup.create(name="Atelier du mardi", created_by=ids["helper"]).id
        GroupMember.create(group=ids["group"], learner=ids["learner"])
        if not learners:
            return ids
        fake = "scrypt:1024:8:1$invented$" + "0" * 64  # nobody signs in with these
        insert(
            User,
            [
                dict(
                    username=f"apprenant.{n:04d}",
                    display_name=f"Apprenant {n:04d}",
                    role="learner",
                    password_hash=fake,
                    created=some_time(),
                    last_login=some_time(),
                    active=draw.random() > 0.03,
                )
                for n in range(learners)
            ],
        )
        others = [
            u
            for (u,) in User.select(User.id).where(User.username.startswith("apprenant.")).tuples()
        ]
        insert(GroupMember, [dict(group=ids["group"], learner=u) for u in draw.sample(others, 30)])
        done = [
            dict(user=ids["learner"], lesson_id=lesson_id, step_id=step_id, done_at=some_time())
            for lesson_id, step_id in draw.sample(steps, 400)
        ]
        for user in others:
            begun = some_time()
            chosen = draw.sample(steps, min(len(steps), int(draw.expovariate(1 / 100))))
            done += [
                dict(
                    user=user,
                    lesson_id=lesson_id,
                    step_id=step_id,
                    done_at=min(now, begun + dt.timedelta(minutes=3 * n)),
                )
                for n, (lesson_id, step_id) in enumerate(chosen)
            ]
        insert(StepProgress, done)
        insert(
            QuestionAnswer,
            [
                dict(
                    user=draw.choice(others),
                    lesson_id=lesson_id,
                    question_id=question_id,
                    answer="1",
                    right=draw.random() > 0.3,
                    answered_at=some_time(),
                )
                for lesson_id, question_id in (draw.choice(questions) for _ in range(learners * 13))
            ],
        )
        requests = []
        for n in range(learners * 3):
            lesson_id, step_id = draw.choice(steps)
            asked = some_time()
            closed = n % 100 != 0  # about 1 in 100 still open: a busy day's dozen or so
            requests.append(
                dict(
                    learner=draw.choice(others),
                    lesson_id=lesson_id,
                    step_id=step_id,
                    message="Je suis bloqué ici",
                    created=asked,
                    handled_at=asked + dt.timedelta(hours=2) if closed else None,
                    handled_by=ids["helper"] if closed else None,
                    reply="",
                )
            )
        insert(HelpRequest, requests)
        lesson_ids = [lesson.id for lesson in lessons]
        insert(
            HelpSession,
            [
                dict(
                    learner=user,
                    helper=ids["helper"],
                    created=some_time(),
                    lessons=json.dumps(draw.sample(lesson_ids, min(3, len(lesson_ids)))),
                    title="Premiers pas",
                    note_for_learner="",
                    private_note="",
                )
                for user in draw.sample(others, learners // 2)
            ],
        )
        insert(
            SignIn,
            [
                dict(
                    user=draw.choice(others),
                    secret_hash=f"{draw.getrandbits(256):064x}",
                    auth_version=1,
                    created=(made := some_time()),
                    ended=made + dt.timedelta(hours=1),
                )
                for _ in range(learners * 13)
            ],
        )
        ids["rows"] = {
            model.__name__: model.select().count()
            for model in (User, StepProgress, QuestionAnswer, HelpRequest, HelpSession, SignIn)
        }
    return ids


def signed_in(app, role: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/login", data={"csrf_token": token, "username": PEOPLE[role], "password": PASSWORD}
    )
    if answer.status_code not in (302, 303):
        sys.exit(f"{role}: sign-in answered {answer.status_code}")
    return client


def count_queries():
    """Count the SQL statements peewee runs (a list that grows while `on` is set)."""
    import peewee

    seen = {"on": False, "count": 0}
    original = peewee.Database.execute_sql

    def execute_sql(self, sql, params=None, *args, **kwargs):
        seen["count"] += seen["on"]
        return original(self, sql, params, *args, **kwargs)

    peewee.Database.execute_sql = execute_sql
    return seen


def measure(learners: int, years: int) -> dict:
    """Time every page on a new database and on one with years of history."""
    seen = count_queries()
    found = {}
    for kind, count in (("new", 0), ("years", learners)):
        with tempfile.TemporaryDirectory() as instance:
            app = make_app(Path(instance))
            began = time.monotonic()
            ids = fill(app, count, years)
            found[f"{kind} made_s"] = time.monotonic() - began
            found[f"{kind} rows"] = ids.get("rows", {})
            for role, paths in pages(ids).items():
                client = signed_in(app, role)
                for path in paths:
                    status = client.get(path).status_code
                    if status != 200:
                        sys.exit(f"{role} {path}: {status}")
                    runs, until = [], time.monotonic() + 3
                    while len(runs) < 20 and (len(runs) < 5 or time.monotonic() < until):
                        start = time.perf_counter()
                        client.get(path)
                        runs.append((time.perf_counter() - start) * 1000)
                    seen.update(on=True, count=0)
                    size = len(client.get(path).data)
                    seen["on"] = False
                    label = (
                        path.replace(f"/learners/{ids['learner']}", "/learners/L")
                        .replace(f"/groups/{ids['group']}", "/groups/G")
                        .replace(f"group={ids['group']}", "group=G")
                    )
                    found[f"{kind} {role} {label}"] = {
                        "ms": statistics.median(runs),
                        "queries": seen["count"],
                        "kb": size / 1000,
                    }
    return found


def report(raw: dict) -> str:
    meta, figures = raw["meta"], raw["figures"]
    rows = figures["years rows"]
    lines = [
        BEGIN,
        f"Made by `.venv/bin/python {meta['command']}` on {meta['date']} at commit "
        f"{meta['commit']} (raw figures in `lab_years.json`). Invented history: "
        + ", ".join(f"{count:,} {name}" for name, count in rows.items())
        + ". Medians in-process (Flask's test client), milliseconds.",
        "",
        "| person | page | new database | after years | × | queries (new → years) | KB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, after in figures.items():
        if not key.startswith("years ") or not isinstance(after, dict) or "ms" not in after:
            continue
        _, role, path = key.split(" ", 2)
        before = figures[f"new {role} {path}"]
        lines.append(
            f"| {role} | `{path}` | {before['ms']:.1f} | {after['ms']:.1f} | "
            f"{after['ms'] / before['ms']:.1f} | {before['queries']} → {after['queries']} | "
            f"{after['kb']:.0f} |"
        )
    return "\n".join([*lines, END])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1500)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--json", type=Path, default=HERE / "lab_years.json")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    raw = {
        "meta": {
            "command": "benchmarks/lab_years.py " + " ".join(sys.argv[1:]),
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": commit,
        },
        "figures": measure(args.learners, args.years),
    }
    args.json.write_text(json.dumps(raw, indent=1) + "\n")
    text = args.out.read_text()
    table = report(raw)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + table + text[text.index(END) + len(END) :]
    else:
        text += "\n## After years of use\n\n" + table + "\n"
    args.out.write_text(text)
    print(table)


if __name__ == "__main__":
    main()
