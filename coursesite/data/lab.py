"""The lab's own details (name, phone, opening hours, address, a short message), as staff set
them at /staff/settings, in each language. No HTTP here.

They live in the database, not in the configuration file, so that staff change them in the
browser; `PUBLIC_URL` and the privacy contact stay in the configuration. Until staff fill them
in, every page shows a clear placeholder instead of made-up numbers.
"""

import re
import threading
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from coursesite import services
from coursesite.data.database import database
from coursesite.data.models import LabDetail, utcnow

# What staff may type, and how long it may be. Phone is the same in every language.
LIMITS = {"name": 80, "phone": 40, "hours": 300, "address": 200, "message": 200}
PER_LANGUAGE = ("name", "hours", "address", "message")
PHONE_CHARACTERS = re.compile(r"[0-9 +().,#*\-]+(?:(?:ext\.?|poste|x)\s*[0-9]+)?", re.IGNORECASE)


@dataclass(frozen=True)
class LabDetails:
    """The lab's details in one language, ready to show."""

    lang: str
    name: str
    phone: str
    hours: str
    address: str
    message: str
    has_name: bool  # False: `name` is the placeholder, staff have not filled it in
    settings_url: str | None = None  # where staff fill them in, for staff's eyes only

    @property
    def is_set(self) -> bool:
        """Tell whether staff gave at least the lab's name and phone number."""
        return self.has_name and bool(self.phone)

    @property
    def phone_link(self) -> str:
        """Return the phone number as a tel: link wants it: digits and a leading +."""
        digits = re.split(r"(?i)ext|poste|x", self.phone)[0]
        return re.sub(r"[^0-9+]", "", digits)


def key(field: str, lang: str = "") -> str:
    return f"{field}.{lang}" if lang and field in PER_LANGUAGE else field


def stored() -> dict[str, str]:
    """Return every detail staff saved, by key ("name.fr", "phone"…)."""
    return {row.key: row.value for row in LabDetail.select(LabDetail.key, LabDetail.value)}


class SavedDetails:
    """The saved details of one app, read from the database at most every MAX_AGE seconds.

    Every page shows them (footer, "Need help?"): reading them once per request was the
    step page's one database query for a visitor. A save in this process is seen at once;
    other processes on the same database (several labs on one server) within MAX_AGE.
    """

    MAX_AGE = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._read_at = None
        self._values: dict[str, str] = {}
        self._by_lang: dict[str, LabDetails] = {}
        self._version = 0

    def version(self) -> int:
        """A number that changes whenever the saved details change (pages built from them)."""
        with self._lock:
            self._read_if_old()
            return self._version

    def details(self, lang: str | None = None) -> LabDetails:
        """Return the lab's details in `lang` (the current language by default)."""
        lang = lang or str(get_locale())
        with self._lock:
            self._read_if_old()
            found = self._by_lang.get(lang)
            if found is None:
                found = self._by_lang[lang] = details(lang, self._values)
            return found

    def forget(self) -> None:
        """Read them again on the next page (staff just saved them)."""
        with self._lock:
            self._read_at = None

    def _read_if_old(self) -> None:
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at <= self.MAX_AGE:
            return
        values, self._read_at = stored(), now
        if values != self._values or self._version == 0:
            self._values, self._by_lang = values, {}
            self._version += 1


def details(lang: str | None = None, values: dict[str, str] | None = None) -> LabDetails:
    """Return the lab's details in `lang` (the current language by default).

    A detail missing in this language is taken from another language that has it (a phone
    number or an address reads the same), and the name falls back to a plain description.
    """
    languages = current_app.config["LANGUAGES"]
    lang = lang or str(get_locale())
    values = stored() if values is None else values
    order = [lang, *[other for other in languages if other != lang]]

    def pick(field: str) -> str:
        if field not in PER_LANGUAGE:
            return values.get(field, "")
        return next((v for code in order if (v := values.get(key(field, code), ""))), "")

    name = pick("name")
    if not name:
        with force_locale(lang):
            placeholder = str(_l("the community tech-help lab"))
    return LabDetails(
        lang=lang,
        name=name or placeholder,
        phone=pick("phone"),
        hours=pick("hours"),
        address=pick("address"),
        # A message is news of the day: shown only in the language it was written in.
        message=values.get(key("message", lang), ""),
        has_name=bool(name),
    )


def lab_name(lang: str | None = None) -> str:
    """Return the lab's name in `lang` (the current language by default), or a placeholder."""
    return details(lang).name


def form_values() -> dict[str, str]:
    """Return the settings form's fields ("phone", "name_fr"…) as stored."""
    values = stored()
    form = {"phone": values.get("phone", "")}
    for lang in current_app.config["LANGUAGES"]:
        for field in PER_LANGUAGE:
            form[f"{field}_{lang}"] = values.get(key(field, lang), "")
    return form


def clean(text: str, multiline: bool) -> str:
    """Return typed text without control characters; one line unless `multiline`."""
    text = (text or "").replace("\r\n", "\n")
    text = "".join(c for c in text if c == "\n" or (c >= " " and c != "\x7f"))
    if multiline:
        return "\n".join(line.strip() for line in text.strip().split("\n") if line.strip())
    return " ".join(text.split())


def read_form(form) -> tuple[dict[str, str], list[tuple[str, object]]]:
    """Return the details typed in the settings form, and every problem as (field, sentence)."""
    values, problems = {}, []
    fields = [("phone", "phone")] + [
        (f"{field}_{lang}", field)
        for lang in current_app.config["LANGUAGES"]
        for field in PER_LANGUAGE
    ]
    for name, field in fields:
        value = clean(form.get(name, "")[: LIMITS[field] * 2], field in ("hours", "address"))
        values[name] = value
        if len(value) > LIMITS[field]:
            problems.append(
                (name, _l("This field can have at most %(max)d characters.", max=LIMITS[field]))
            )
    if values["phone"] and not PHONE_CHARACTERS.fullmatch(values["phone"]):
        problems.append(
            ("phone", _l("The phone number can only have digits, spaces, dashes, brackets and +."))
        )
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not values.get(f"name_{default}"):
        problems.append(
            (f"name_{default}", _l("Please type the lab’s name, at least in the first language."))
        )
    return values, problems


def save(values: dict[str, str]) -> list[str]:
    """Store the details from the form; return the keys that changed."""
    current = stored()
    wanted = {"phone": values["phone"]}
    for lang in current_app.config["LANGUAGES"]:
        for field in PER_LANGUAGE:
            wanted[key(field, lang)] = values[f"{field}_{lang}"]
    changed = [k for k, v in wanted.items() if current.get(k, "") != v]
    with database.atomic():
        for name in changed:
            LabDetail.insert(key=name, value=wanted[name], updated=utcnow()).on_conflict(
                conflict_target=[LabDetail.key],
                update={LabDetail.value: wanted[name], LabDetail.updated: utcnow()},
            ).execute()
    services.shared().saved_lab_details.forget()
    return changed
