"""The house's shape, checked (issue 12, finding 12: the cases app had left it, which is how rules got written twice).

- Views and API handlers stay thin: no ORM query in them — reads go through selectors (scoped), writes through
  services.
- Shared test builders live in fixtures or factories: no test module imports another test module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "claimbridge"


def _thin_modules() -> list[Path]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        parts = set(path.relative_to(PACKAGE).parts)
        if path.stem in {"views", "api"} or parts & {"views", "api"}:
            found.append(path)
    return sorted(found)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def orm_calls(path: Path) -> list[str]:
    """`Model.objects…` and queryset methods called on a relation (`x.items.filter(…)`) in a module."""
    tree = ast.parse(path.read_text())
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            calls.append(f"{_name(path)}:{node.lineno} .objects")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude", "select_related", "prefetch_related", "values_list", "exists"}
            and not (isinstance(node.func.value, ast.Attribute) and node.func.value.attr in {"GET", "POST", "headers"})
        ):
            calls.append(f"{_name(path)}:{node.lineno} .{node.func.attr}()")
    return calls


def test_views_and_api_handlers_make_no_orm_calls():
    assert _thin_modules(), "the check must have modules to look at"
    assert [call for path in _thin_modules() for call in orm_calls(path)] == []


def test_the_orm_check_can_fail(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def view(request, case):\n    return Case.objects.all(), case.items.filter(x=1)\n")
    assert len(orm_calls(sample)) == 2


def imports_of_test_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            last = node.module.rsplit(".", 1)[-1]
            if last.startswith("test_"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
    return found


def test_no_test_module_imports_another_test_module():
    test_files = [*ROOT.joinpath("tests").rglob("*.py"), *PACKAGE.rglob("tests/*.py")]
    assert [hit for path in test_files for hit in imports_of_test_modules(path)] == []


def bare_date_widgets(path: Path) -> list[str]:
    """Django's own DateInput/DateTimeInput/SplitDateTimeWidget used in a module: they render the active language's
    format (`2026/12/01` in zh-hans), which `<input type="date">` drops (issue 13)."""
    tree = ast.parse(path.read_text())
    bare = {"DateInput", "DateTimeInput", "SplitDateTimeWidget"}
    return [f"{_name(path)}:{node.lineno} {node.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in bare]  # fmt: skip


def test_every_form_uses_the_iso_date_widgets():
    """Issue 13 (B1): one place renders date inputs, core/widgets.py; no form uses Django's localised ones."""
    modules = [path for path in PACKAGE.rglob("*.py") if "tests" not in path.parts and path.name != "widgets.py"]
    assert [hit for path in modules for hit in bare_date_widgets(path)] == []


def test_the_date_widget_check_can_fail(tmp_path):
    sample = tmp_path / "forms.py"
    sample.write_text(
        "from django import forms\nday = forms.DateField(widget=forms.DateInput(attrs={'type': 'date'}))\n"
    )
    assert len(bare_date_widgets(sample)) == 1
