"""Step codes read over the phone: short, unambiguous, the same in every language, unique."""

import itertools
import re

import pytest

from coursesite.data.models import StepProgress
from coursesite.desk.phone_codes import ALPHABET, build_table, hashed_code, normalize
from tests.conftest import PASSWORDS, app_database

pytestmark = pytest.mark.db  # also on PostgreSQL when COURSESITE_TEST_POSTGRES is set

CODE = re.compile(r'<span aria-hidden="true">([A-Z0-9]{4})</span><span class="visually-hidden">')


def code_on(client, url: str) -> str:
    return CODE.search(client.get(url).get_data(as_text=True)).group(1)


def test_codes_a_helper_hears_have_four_characters_without_look_alikes():
    assert not set("01OIL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    codes = {hashed_code("lesson", f"step-{n}") for n in range(500)}
    assert all(len(code) == 4 and set(code) <= set(ALPHABET) for code in codes)
    # 31**4 codes: 500 steps almost never share one (a constant or a weak hash would).
    assert len(codes) >= 498


# Computed outside the site from the documented recipe: SHA-256 of "lesson\nstep\nattempt",
# first 8 bytes as a big-endian number, written in base 31 with ALPHABET, lowest digit first.
KNOWN_CODES = {
    ("bonjour", "open-door", 0): "NHQ7",
    ("bonjour", "open-door", 1): "2PAS",
    ("bonjour", "leave", 0): "DF49",
    ("courriel", "ouvrir", 0): "AG2T",
}


@pytest.mark.parametrize(("step", "code"), KNOWN_CODES.items())
def test_a_step_keeps_the_same_code_in_every_process_and_release(step, code):
    # A learner reads the code off a printed page: it must not depend on the process (no
    # salted str hash) nor change between releases without anyone noticing.
    assert hashed_code(*step) == code


def test_each_new_attempt_gives_a_different_code():
    attempts = {hashed_code("bonjour", "open-door", attempt) for attempt in range(20)}
    assert len(attempts) == 20


def test_colliding_steps_still_get_different_codes_for_the_helper():
    # Find two real steps whose first codes collide, as a large catalogue eventually will.
    seen, pair = {}, None
    for n in itertools.count():
        step = (f"lesson-{n % 97}", f"step-{n}")
        code = hashed_code(*step)
        if code in seen:
            pair = (seen[code], step)
            break
        seen[code] = step
    table = build_table(pair)
    assert len(table) == 2
    first, second = sorted(pair)
    assert hashed_code(*first) == hashed_code(*second)
    assert table[hashed_code(*first)] == first  # the one sorting first keeps its code
    # The later one takes its next attempt's code, in whatever order the steps come.
    assert table[hashed_code(*second, 1)] == second
    assert build_table(reversed(pair)) == table


def test_a_whole_catalogue_gets_one_code_per_step():
    steps = [(f"lesson-{n % 97}", f"step-{n}") for n in range(3000)]
    table = build_table(steps + steps[:10])  # a step listed twice is still one step
    assert sorted(table.values()) == sorted(steps)
    assert all(len(code) == 4 for code in table)


def test_what_the_helper_types_is_forgiving():
    assert normalize(" k7-pm ") == "K7PM"
    assert normalize("k 7 p m") == "K7PM"
    assert normalize("k7.p_m\t") == "K7PM"
    assert normalize("") == "" and normalize(None) == ""
    assert normalize("x" * 500) == "X" * 20


def test_every_step_shows_its_code_the_same_in_both_languages_for_the_helper(client):
    french = code_on(client, "/fr/lessons/bonjour/1")
    assert french == code_on(client, "/en/lessons/bonjour/1")  # the same step, by id
    assert french != code_on(client, "/fr/lessons/bonjour/2")
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert "Code pour l’aide au téléphone\u00a0:" in page
    assert (
        f'<span class="visually-hidden">{" ".join(french)}</span>' in page
    )  # read letter by letter


def test_a_helper_types_the_code_and_opens_that_step_in_the_helpers_language(
    client, auth, make_helper
):
    code = code_on(client, "/fr/lessons/bonjour/3")  # "leave": step 3 in French, 2 in English
    make_helper(language="en")
    auth.login("richard", PASSWORDS["helper"])
    response = client.get(f"/helper/code?code={code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == "/en/lessons/bonjour/2"
    # A step that only the French lesson has opens in French.
    only_french = code_on(client, "/fr/lessons/bonjour/2")
    assert client.get(f"/helper/code?code={only_french}").headers["Location"] == (
        "/fr/lessons/bonjour/2"
    )


def test_with_a_learner_the_helper_sees_the_step_beside_their_progress(
    app, client, auth, make_helper, make_learner
):
    learner = make_learner(name="Carole")
    with app_database(app):
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")
    code = code_on(client, "/fr/lessons/bonjour/2")
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = client.get(f"/helper/code?code={code}&learner={learner.id}").get_data(as_text=True)
    assert "Au téléphone avec Carole" in page
    assert f"Code {code}\u00a0: «\u00a0Dire bonjour\u00a0», étape 2 sur 3" in page
    assert "Étapes faites\u00a0: 1 sur 3. La prochaine étape pas faite est l’étape 2." in page
    assert "Dites <kbd>Bonjour</kbd>." in page  # the step itself, rendered
    assert client.get(f"/helper/code?code={code}&learner=999").status_code == 404


def test_a_misheard_code_gets_a_plain_answer_and_close_guesses_for_the_helper(
    client, auth, make_helper
):
    code = code_on(client, "/fr/lessons/bonjour/1")
    misheard = ("B" if code[0] != "B" else "C") + code[1:]
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    response = client.get(f"/helper/code?code={misheard}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f"Aucune étape n’a le code «\u00a0{misheard}\u00a0»." in page
    assert f'href="/helper/code?code={code}">{code}</a>' in page  # "maybe this one?"
    assert client.get("/helper/code?code=").status_code == 200  # just the box
