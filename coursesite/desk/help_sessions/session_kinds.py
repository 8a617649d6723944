"""How a help session was given: at the lab, at the learner's home or by phone. Staff report
the three kinds to funders (staff/reports/reports.py)."""

from flask_babel import lazy_gettext as _l

from coursesite.data.models import SESSION_KINDS

KIND_LABELS = {
    "lab": _l("At the lab"),
    "home": _l("At the learner’s home"),
    "phone": _l("By phone"),
}
NOT_RECORDED = _l("Kind not recorded")  # sessions recorded before kinds existed


def kind_label(kind: str | None):
    return KIND_LABELS.get(kind or "", NOT_RECORDED)


def kind_choices() -> list[tuple[str, object]]:
    return [(kind, KIND_LABELS[kind]) for kind in SESSION_KINDS]
