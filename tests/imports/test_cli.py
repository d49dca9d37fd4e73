"""`helpdesk import FILE`: plain files, .gz, standard input; exit status and output."""

import gzip

from helpdesk.auth.models import User
from helpdesk.imports.services import import_path
from tests.imports.conftest import EXAMPLE, count


def test_import_prints_what_was_stored_then_skipped(runner, example_file):
    first = runner.invoke(args=["import", str(example_file)])

    assert first.exit_code == 0, first.output
    assert "user        stored         4   skipped         0" in first.stdout
    assert "stored 12 record(s), skipped 0 already stored" in first.stdout
    assert count(User) == 4

    second = runner.invoke(args=["import", str(example_file)])
    assert second.exit_code == 0
    assert "user        stored         0   skipped         4" in second.stdout
    assert f"nothing new: all 12 record(s) in {example_file} were already stored" in second.stdout
    assert count(User) == 4


def test_a_bad_line_exits_1_names_the_line_and_stores_nothing(runner, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = list(EXAMPLE)
    lines[10] = '{"type":"survey","client":"cl-1","at":"2026-10-28T12:00:00Z","score":11}'
    path.write_text("\n".join(lines) + "\n")

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f'{path}:11: survey: field "score" must be an integer 0-10, got 11'
    assert "1 error(s)" in result.stderr and "nothing was stored" in result.stderr
    assert result.stdout == ""
    assert count(User) == 0


def test_gzipped_file(runner, tmp_path):
    path = tmp_path / "program.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write("\n".join(EXAMPLE) + "\n")

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code == 0, result.output
    assert count(User) == 4


def test_standard_input(runner):
    result = runner.invoke(args=["import", "-"], input="\n".join(EXAMPLE) + "\n")

    assert result.exit_code == 0, result.output
    assert "stored 12 record(s)" in result.stdout
    assert count(User) == 4


def test_errors_from_standard_input_name_it_dash(runner):
    result = runner.invoke(args=["import", "-"], input=EXAMPLE[0] + "\n{oops\n")

    assert result.exit_code == 1
    assert result.stderr.startswith("-:2: not valid JSON")
    assert count(User) == 0


def test_missing_file_is_an_error_not_a_traceback(runner, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path / "nope.jsonl")])

    assert result.exit_code == 1
    assert "cannot read the input" in result.stderr


def test_blank_lines_are_ignored_but_counted(tmp_path):
    path = tmp_path / "gaps.jsonl"
    path.write_text(EXAMPLE[0] + "\n\n" + "{bad\n")

    result = import_path(str(path))

    assert result.errors[0].startswith(f"{path}:3: ")
