"""Dependencies go one way: inbox imports clients, rankings imports sla, never the reverse (issue #9)."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / "helpdesk"


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


@pytest.mark.parametrize(("lower", "upper"), [("clients", "inbox"), ("sla", "rankings")])
def test_lower_package_never_imports_the_one_built_on_it(lower, upper):
    wrong = sorted(m for m in _imports(lower) if m == f"helpdesk.{upper}" or m.startswith(f"helpdesk.{upper}."))
    assert wrong == []
