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


# lessons/'s sub-packages are layers: each imports only the top and the layers before it.
LESSON_LAYERS = ["", "pictures", "markup", "reading", "checks", "publishing", "editor"]


def lesson_layer(module: str) -> int:
    parts = module.split(".")
    return LESSON_LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in LESSON_LAYERS else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "lessons"))
def test_each_lessons_layer_imports_only_the_layers_before_it(module):
    above = {
        name
        for name in GRAPH[module]
        if area(name) == "lessons" and lesson_layer(name) > lesson_layer(module)
    }
    assert not above, f"{module} imports a later layer of lessons/: {sorted(above)}"


# data/'s sub-packages are layers too, above what every page needs at its top (the database,
# the models, the prepared queries, the lab's details); data/__init__.py only wires, above all.
DATA_LAYERS = ["", "safekeeping", "privacy", "schema"]


def data_layer(module: str) -> int:
    if module == "coursesite.data":
        return len(DATA_LAYERS)
    parts = module.split(".")
    return DATA_LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in DATA_LAYERS else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "data"))
def test_each_data_layer_imports_only_the_layers_before_it(module):
    above = {
        name
        for name in GRAPH[module]
        if area(name) == "data" and data_layer(name) > data_layer(module)
    }
    assert not above, f"{module} imports a later layer of data/: {sorted(above)}"


# desk/'s sub-packages are layers above the services at its top (paths.py, phone_codes.py);
# the desk's own pages at its top (views.py, template_helpers.py) and its wiring sit above all.
DESK_LAYERS = ["", "help_sessions", "help_requests", "learners", "groups"]
DESK_FRONT = {"coursesite.desk", "coursesite.desk.views", "coursesite.desk.template_helpers"}


def desk_layer(module: str) -> int:
    if module in DESK_FRONT:
        return len(DESK_LAYERS)
    parts = module.split(".")
    return DESK_LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in DESK_LAYERS else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "desk"))
def test_each_desk_layer_imports_only_the_layers_before_it(module):
    above = {
        name
        for name in GRAPH[module]
        if area(name) == "desk" and desk_layer(name) > desk_layer(module)
    }
    assert not above, f"{module} imports a later layer of desk/: {sorted(above)}"


# learn/'s sub-packages are layers above what most of it reads at its top (progress.py,
# visitor.py, links.py) and its small site-wide pages; its wiring sits above all.
LEARN_LAYERS = ["", "display", "questions", "certificates", "lesson_pages"]


def learn_layer(module: str) -> int:
    if module == "coursesite.learn":
        return len(LEARN_LAYERS)
    parts = module.split(".")
    return LEARN_LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in LEARN_LAYERS else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "learn"))
def test_each_learn_layer_imports_only_the_layers_before_it(module):
    above = {
        name
        for name in GRAPH[module]
        if area(name) == "learn" and learn_layer(name) > learn_layer(module)
    }
    assert not above, f"{module} imports a later layer of learn/: {sorted(above)}"


# staff/'s sub-packages are layers under its own pages at the top (lessons.py reads the
# editor's one way of saving) and its wiring.
STAFF_LAYERS = ["", "editor", "reports", "people"]
STAFF_FRONT = {"coursesite.staff", "coursesite.staff.lessons"}


def staff_layer(module: str) -> int:
    if module in STAFF_FRONT:
        return len(STAFF_LAYERS)
    parts = module.split(".")
    return STAFF_LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in STAFF_LAYERS else 0


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) == "staff"))
def test_each_staff_layer_imports_only_the_layers_before_it(module):
    above = {
        name
        for name in GRAPH[module]
        if area(name) == "staff" and staff_layer(name) > staff_layer(module)
    }
    assert not above, f"{module} imports a later layer of staff/: {sorted(above)}"


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
