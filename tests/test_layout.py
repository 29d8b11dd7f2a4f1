"""Where code lives: one package per area of the programme, thin views that ask an
area's queries module or the access module for data, shared layers that import no
area, and modules small enough to read."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "villagetracker"
AREAS = (
    "accounts",
    "regions",
    "villages",
    "review",
    "certificates",
    "dashboards",
    "spreadsheets",
    "jobs",
    "api",
    "main",
)
# Below the areas, importing none of them.
SHARED = (
    "rules",
    "status",
    "access",
    "models",
    "audit",
    "i18n",
    "web",
    "locks",
    "extensions",
    "config",
)
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 30
# What building a query looks like in a view module.
QUERY_NAMES = {"select", "func", "and_", "or_", "joinedload", "selectinload"}
QUERY_METHODS = {"where", "order_by", "outerjoin", "group_by", "filter_by", "having"}
SESSION_READS = {"execute", "scalar", "scalars", "get", "query"}


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def is_view(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "route"
        for decorator in function.decorator_list
    )


def view_modules():
    return [
        path
        for path in modules()
        if any(
            isinstance(node, ast.FunctionDef) and is_view(node)
            for node in ast.walk(tree(path))
        )
    ]


def imported_modules(path: Path) -> set[str]:
    """The villagetracker modules ``path`` imports, as dotted names."""
    package = name_of(path).rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = name_of(path).removesuffix(".__init__")
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.startswith("villagetracker"):
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                alias.name
                for alias in node.names
                if alias.name.startswith("villagetracker")
            )
    return found


def test_every_area_is_a_package_and_the_old_top_level_modules_are_gone():
    for area in AREAS:
        assert (PACKAGE / area / "__init__.py").exists(), area
    top_level = {path.stem for path in PACKAGE.glob("*.py")}
    assert not top_level & {
        "services",
        "designations",
        "listing",
        "imports",
        "exports",
        "dashboards",
        "regions",
        "certificates",
        "spreadsheets",
        "evidence",
    }


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_no_module_is_longer_than_400_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", view_modules(), ids=name_of)
def test_views_and_their_helpers_are_thin(path):
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.FunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_VIEW_LINES
    ]
    assert not long


@pytest.mark.parametrize("path", view_modules(), ids=name_of)
def test_views_ask_a_queries_module_or_access_instead_of_building_queries(path):
    """A view module may commit or roll back the request's one transaction; it does
    not read the database itself."""
    built = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Name) and node.id in QUERY_NAMES:
            built.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in QUERY_METHODS:
            built.append(f"line {node.lineno}: .{node.attr}(...)")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in SESSION_READS | {"paginate"}
            and "db" in ast.unparse(node.value)
        ):
            built.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and _builds_queries(node.module or ""):
            built.append(f"line {node.lineno}: from {node.module} import ...")
    assert not built


def _builds_queries(module: str) -> bool:
    """SQLAlchemy, but not its exceptions (a view may catch a conflict)."""
    return module.startswith("sqlalchemy") and not module.endswith(".exc")


def test_the_test_finds_a_query_built_in_a_view(tmp_path):
    """The check above reads code: shown a view that builds a query, it finds it."""
    view = tmp_path / "routes.py"
    view.write_text(
        "from sqlalchemy import select\n"
        "@bp.route('/')\n"
        "def index():\n"
        "    return db.session.scalars(select(Village).where(Village.code == 1))\n"
    )
    found = [
        node
        for node in ast.walk(ast.parse(view.read_text()))
        if (isinstance(node, ast.Name) and node.id in QUERY_NAMES)
        or (isinstance(node, ast.Attribute) and node.attr in QUERY_METHODS)
    ]
    assert len(found) == 2  # select and .where


@pytest.mark.parametrize(
    "path",
    [
        path
        for path in modules()
        if path.relative_to(PACKAGE).parts[0].removesuffix(".py") in SHARED
    ],
    ids=name_of,
)
def test_the_shared_layers_import_no_area(path):
    areas = {f"villagetracker.{area}" for area in AREAS}
    upward = {
        module
        for module in imported_modules(path)
        if any(module == area or module.startswith(area + ".") for area in areas)
    }
    assert not upward


def test_the_rules_module_is_pure():
    roots = set()
    for node in ast.walk(tree(PACKAGE / "rules.py")):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add("villagetracker" if node.level else node.module.split(".")[0])
    assert not roots & {"flask", "flask_babel", "sqlalchemy", "villagetracker"}
