"""Highlight boxes with number fields: the way to draw them that needs no JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coursesite import services
from coursesite.lessons.editor.candidate import image_uses, set_highlight
from coursesite.lessons.editor.editing import plain_line
from coursesite.lessons.pictures.highlights import MAX_BOXES, Box, image_markdown, parse_highlight
from coursesite.staff.editor.editing import (
    flashed_notices,
    picture_or_404,
    save_text,
    saved_notice,
    state_of,
)

bp = Blueprint("highlights", __name__, url_prefix="/staff/lessons")


def box_rows(source) -> tuple[list[dict], list[Box], list[str], bool]:
    """Return the number fields' rows, the valid boxes, their labels, and whether any is wrong."""
    rows, boxes, labels, invalid = [], [], [], False
    for index in range(MAX_BOXES):
        values = {key: plain_line(str(source(f"{key}{index}") or ""), 12) for key in "xywh"}
        label = plain_line(str(source(f"label{index}") or ""), 120)
        row = {"index": index, **values, "label": label, "problem": None}
        if not any(values.values()):
            rows.append(row)
            continue
        try:
            numbers = [float(values[key].replace(",", ".")) for key in "xywh"]
            (box,) = parse_highlight(",".join(f"{n:g}" for n in numbers))
            boxes.append(box)
            labels.append(label)
        except (ValueError, OverflowError):
            row["problem"] = _(
                "Write four numbers from 0 to 100; the box must stay inside the picture and have "
                "a width and a height."
            )
            invalid = True
        rows.append(row)
    # The boxes written so far and one empty row for the next: "Apply" adds a row each time.
    while (
        len(rows) > 1
        and not any(rows[-1][key] for key in "xywh")
        and not any(rows[-2][key] for key in "xywh")
    ):
        rows.pop()
    return rows, boxes, labels, invalid


@bp.route("/<lesson_id>/<lesson_lang>/pictures/<name>/highlight", methods=["GET", "POST"])
def highlight(lesson_id, lesson_lang, name):
    """Set a picture's highlight boxes with number fields: works without JavaScript."""
    lang = lesson_lang
    folder, path = picture_or_404(lesson_id, lang, name)
    disk, working, token = state_of(folder)
    text = working.text if working else (disk or "")
    uses = image_uses(text, name)
    raw_use = (request.values.get("use") or "0")[:3]
    use_index = int(raw_use) if raw_use.isdigit() else 0
    use = uses[use_index] if use_index < len(uses) else None
    if request.method == "POST":
        if use is None:
            abort(404)
        try:
            boxes = (
                parse_highlight(request.form.get("boxes", "")[:200])
                if request.form.get("boxes")
                else ()
            )
        except ValueError:
            abort(422)
        labels = plain_line(request.form.get("labels", ""), 800).split("|")
        new_text = set_highlight(text, use, boxes, labels[: len(boxes)])
        saved = save_text(
            folder,
            new_text,
            _("Highlight boxes on %(name)s", name=name),
            "save",
            request.form.get("base", ""),
        )
        if saved.candidate is None:
            flash(
                _(
                    "Not saved: this lesson was changed meanwhile. Here is the newest text; "
                    "try again."
                ),
                "error",
            )
            return redirect(
                url_for(
                    "highlights.highlight",
                    lesson_id=lesson_id,
                    lesson_lang=lang,
                    name=name,
                    use=use_index,
                ),
                303,
            )
        flash(saved_notice(saved)[1], saved_notice(saved)[0])
        return redirect(url_for("editor.edit", lesson_id=lesson_id, lesson_lang=lang), 303)
    if use is not None and any(f"{k}0" in request.args for k in "xywh"):
        rows, boxes, labels, invalid = box_rows(request.args.get)
    elif use is not None:
        labels_of = list(use.labels) + [""] * MAX_BOXES
        existing = {}
        for index, box in enumerate(use.boxes):
            existing |= {
                f"x{index}": f"{box.x:g}",
                f"y{index}": f"{box.y:g}",
                f"w{index}": f"{box.w:g}",
                f"h{index}": f"{box.h:g}",
                f"label{index}": labels_of[index],
            }
        rows, boxes, labels, invalid = box_rows(existing.get)
    else:
        rows, boxes, labels, invalid = [], [], [], False
    size = services.catalogue().image_size(path) or (0, 0)
    preview_url = url_for("editor.picture", lesson_id=lesson_id, lesson_lang=lang, name=name)
    variants = services.images()
    if boxes and variants is not None and size[0] and size[0] * size[1] <= variants.max_pixels:
        planned = variants.plan(path, size, tuple(boxes))
        preview_url = url_for("media.variant", name=planned.name(planned.widths[-1]))
    return render_template(
        "staff/highlights/highlight.html",
        lesson_id=lesson_id,
        lang=lang,
        name=name,
        notices=flashed_notices(),
        use=use,
        use_index=use_index,
        rows=rows,
        invalid=invalid,
        spec=";".join(str(box) for box in boxes),
        labels="|".join(labels),
        snippet=image_markdown(name, use.alt, boxes, labels) if use else "",
        base=token,
        preview_url=preview_url,
        width=size[0],
        height=size[1],
    )
