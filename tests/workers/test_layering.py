"""`helpdesk` never imports `workers`: jobs are named by dotted strings (STYLE.md, "One rule, one place")."""

import ast
from pathlib import Path

import helpdesk

# Being moved by the audits change (issue 9: audits/cli.py calls the service instead); drop on merge.
NOT_YET_MOVED: set[str] = set()  # every module has moved its rules out of workers


def _imports_workers(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "workers" or name.startswith("workers.") for name in names):
            lines.append(node.lineno)
    return lines


def test_no_module_under_helpdesk_imports_workers():
    root = Path(helpdesk.__file__).parent
    offenders = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        lines = _imports_workers(ast.parse(path.read_text(), filename=str(path)))
        if lines and relative not in NOT_YET_MOVED:
            offenders[relative] = lines
    assert offenders == {}, f"helpdesk must not import workers (name jobs by dotted string): {offenders}"


def test_the_scan_finds_an_import_of_workers():
    source = "import os\nfrom workers.audits import build_daily_sample\n\ndef f():\n    import workers.sla\n"
    assert _imports_workers(ast.parse(source)) == [2, 5]
    assert _imports_workers(ast.parse("from helpdesk import workers_count\nimport workersx\n")) == []
