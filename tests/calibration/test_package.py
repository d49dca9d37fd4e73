"""Dependencies go one way (#9): calibration uses audits, audits never imports calibration, and neither
imports the workers package (helpdesk never imports workers: jobs are enqueued by dotted name)."""

import ast
from pathlib import Path

import helpdesk

ROOT = Path(helpdesk.__file__).parent


def _imports(package: str) -> dict[str, set[str]]:
    """Each module of `package` -> the modules it imports (at any depth of the file)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offending(package: str, prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    return {module: sorted(n for n in names if n.startswith(prefixes))
            for module, names in _imports(package).items() if any(n.startswith(prefixes) for n in names)}


def test_audits_imports_neither_calibration_nor_workers():
    assert _offending("audits", ("helpdesk.calibration", "workers")) == {}


def test_calibration_does_not_import_workers():
    assert _offending("calibration", ("workers",)) == {}


def test_the_calibration_feature_is_registered_with_its_pages_and_api(app):
    rules = {r.rule: r.endpoint for r in app.url_map.iter_rules()}
    assert rules["/audits/calibration"] == "calibration.index"
    assert rules["/audits/calibration/mark"] == "calibration.mark"
    assert rules["/audits/calibration/<int:item_id>/review"] == "calibration.review"
    assert rules["/api/v1/calibration/items/<int:item_id>"].startswith("calibration_api.")
