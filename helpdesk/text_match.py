"""Case-insensitive substring matching in SQL, with the user's own % and _ taken literally."""


def contains(column, term: str):
    """SQL condition: `column` contains `term`, ignoring case; % and _ in `term` are plain characters."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
