"""The privacy page: what is kept, why and for how long (Quebec's Law 25)."""

from functools import cache
from pathlib import Path

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from coursesite.lessons.markup.markdown import render_markdown

bp = Blueprint("privacy", __name__)

CONTENT = Path(__file__).parents[1] / "content"


@cache
def policy_html(lang: str, mtime_ns: int) -> Markup:
    """Return the policy text of one language as HTML (rendered again when the file changes)."""
    return render_markdown((CONTENT / f"privacy.{lang}.md").read_text(encoding="utf-8"))


@bp.route("/<lang:lang>/privacy")
def policy(lang):
    """Show what the lab keeps about people, why, for how long, and their rights."""
    path = CONTENT / f"privacy.{lang}.md"
    if not path.exists():
        abort(404)
    return render_template("site/privacy.html", policy=policy_html(lang, path.stat().st_mtime_ns))
