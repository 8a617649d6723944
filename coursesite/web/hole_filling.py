"""Filling a kept page's holes (web/page_skeleton.py) for one request: each hole's template
rendered with the page's values, joined with the skeleton's text."""

from markupsafe import escape

from coursesite.web.skeleton_cut import CSRF, CSRF_FIELD, NAME, PART, Skeleton


def fill(environment, template: str, values: dict) -> str:
    """Render `template` with `values`, which already hold the environment's globals."""
    found = environment.get_template(template)
    # shared=True: the template reads `values` as they are, without copying them.
    return "".join(found.root_render_func(found.new_context(values, shared=True)))


def fill_holes(app, skeleton: Skeleton, values: dict) -> str:
    """Join the skeleton's text with its holes rendered from `values` (everyone's and the
    person's)."""
    environment = app.jinja_env
    app.update_template_context(values)
    values = {**environment.globals, **values}  # once for all the holes
    parts = [skeleton.texts[0]]
    for hole, text in zip(skeleton.holes, skeleton.texts[1:], strict=True):
        if hole.template is PART:
            name, part = hole.args
            parts.append(values[name].get(part, ""))
        elif hole.template is CSRF:
            parts.append(CSRF_FIELD % escape(values["csrf_token"]()))
        elif hole.template is NAME:
            parts.append(escape(values["current_user"].display_name))
        elif hole.shown_if is not None and not hole.shown_if():
            pass  # an empty hole
        else:
            parts.append(
                fill(
                    environment,
                    hole.template,
                    {**values, **dict(hole.args)} if hole.args else values,
                )
            )
        parts.append(text)
    return "".join(parts)
