"""The house by area: imports flow one way, no circle anywhere, lessons/ knows nothing of HTTP.

The imports are read from the source (every `import` statement, at the top of a module or
inside a function), so a circle cannot hide behind an import written inside a function.
"""

import ast
from pathlib import Path

import pytest

import coursesite

PACKAGE = Path(coursesite.__file__).parent

# What each area may import, as the README's "Layout" section says.
MAY_IMPORT = {
    "lessons": set(),
    "data": {"services"},
    "web": {"data", "services"},
    "services": {"lessons", "web", "learn", "desk"},  # only lesson-side objects of those two
    "accounts": {"data", "web", "services", "lessons", "desk", "learn"},
    "learn": {"data", "web", "services", "lessons", "desk", "accounts"},
    "desk": {"data", "web", "services", "lessons", "accounts", "learn"},
    "staff": {"data", "web", "services", "lessons", "accounts", "desk", "learn"},
    "cli": {"data", "web", "services", "lessons", "accounts", "desk", "learn", "staff", "config"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Return the coursesite modules a file imports (submodules resolved where they exist)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return {name for name in found if name == "coursesite" or name.startswith("coursesite.")}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_circle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (circle := visit(nxt)):
                return circle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(GRAPH):
        if node not in state and (circle := visit(node)):
            return circle
    return None


def test_no_import_circle_anywhere():
    assert find_circle() is None


def test_the_circle_finder_finds_a_circle():
    GRAPH["coursesite.data.database"].add("coursesite.data.models")
    try:
        assert find_circle() is not None
    finally:
        GRAPH["coursesite.data.database"].discard("coursesite.data.models")


def test_the_database_module_is_a_leaf():
    assert GRAPH["coursesite.data.database"] == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "lessons"))
def test_lessons_know_nothing_of_http(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported = {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    imported |= {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert not imported & {
        "flask",
        "flask_babel",
        "flask_login",
        "flask_wtf",
        "werkzeug",
        "waitress",
    }
    assert all(area(m) == "lessons" for m in GRAPH[module] if m != "coursesite"), GRAPH[module]


# An area's sub-packages are layers: each imports only the area's top and the layers before
# it. Per area: its layers in order ("" is the top) and its front, the modules above every
# layer (its wiring, and pages at its top that use the layers).
AREA_LAYERS = {
    # lessons/: what the sub-packages share is at the top.
    "lessons": (["", "pictures", "markup", "reading", "checks", "publishing", "editor"], set()),
    # data/: above what every page needs at its top (database, models, prepared queries,
    # the lab's details); data/__init__.py only wires.
    "data": (["", "safekeeping", "privacy", "schema"], {"coursesite.data"}),
    # desk/: above the services at its top (paths.py, phone_codes.py); the desk's own pages
    # at its top (views.py, template_helpers.py) sit above all.
    "desk": (
        ["", "help_sessions", "help_requests", "learners", "groups"],
        {"coursesite.desk", "coursesite.desk.views", "coursesite.desk.template_helpers"},
    ),
    # learn/: above what most of it reads at its top (progress.py, visitor.py, links.py) and
    # its small site-wide pages.
    "learn": (["", "display", "questions", "certificates", "lesson_pages"], {"coursesite.learn"}),
    # staff/: under its own pages at the top (lessons.py reads the editor's one way of saving).
    "staff": (
        ["", "editor", "reports", "people"],
        {"coursesite.staff", "coursesite.staff.lessons"},
    ),
}


def layer(module: str) -> int:
    layers, front = AREA_LAYERS[area(module)]
    if module in front:
        return len(layers)
    parts = module.split(".")
    return layers.index(parts[2]) if len(parts) > 3 and parts[2] in layers else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) in AREA_LAYERS))
def test_each_layer_of_an_area_imports_only_the_layers_before_it(module):
    home = area(module)
    above = {name for name in GRAPH[module] if area(name) == home and layer(name) > layer(module)}
    assert not above, f"{module} imports a later layer of {home}/: {sorted(above)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) in MAY_IMPORT))
def test_each_area_imports_only_what_the_readme_allows(module):
    allowed = MAY_IMPORT[area(module)] | {area(module)}
    wrong = sorted(m for m in GRAPH[module] if m != "coursesite" and area(m) not in allowed)
    assert wrong == [], f"{module} may not import {wrong}"


VIEW_MODULES = {m for m, p in MODULES.items() if "Blueprint(" in p.read_text(encoding="utf-8")}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_views_are_imported_only_by_their_package_wiring(module):
    """Views → services → data: a page module is never something another module builds on."""
    if module.endswith("__init__") or module == f"coursesite.{area(module)}":
        return
    imported_views = sorted(GRAPH[module] & VIEW_MODULES)
    assert imported_views == [], f"{module} imports page modules {imported_views}"


def test_only_the_factory_and_the_command_line_import_the_factory():
    users = sorted(m for m, deps in GRAPH.items() if "coursesite" in deps)
    assert all(area(m) == "cli" for m in users), users


def test_shared_objects_are_reached_through_services_not_strings():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if 'extensions["coursesite' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_view_or_hook_is_async(app):
    """CourseSite.ensure_sync calls views and hooks as they are: an async one would never run."""
    import inspect

    functions = list(app.view_functions.values())
    for registry in (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.template_context_processors,
        app.url_value_preprocessors,
    ):
        functions += [f for group in registry.values() for f in group]
    functions += [
        f
        for handlers in app.error_handler_spec.values()
        for codes in handlers.values()
        for f in codes.values()
    ]
    assert len(functions) > 100
    assert [f for f in functions if inspect.iscoroutinefunction(f)] == []
