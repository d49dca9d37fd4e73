"""The `<tr>`s of a staff thread list (templates/inbox/_rows.html), built in one Python pass (issue #15).

A list page has 25 rows of about a dozen values each; Jinja escaped and wrapped each value on its own (over 300
`Markup`s a page) and looked up every attribute through its sandbox-aware getattr: about a third of the inbox
page's template time. Here only text is escaped (ids are ints), once per value, with markupsafe as Jinja
does. The markup is the one the template wrote, value for value; tests/inbox/test_views.py holds both to it.
"""

from markupsafe import Markup, escape

from helpdesk.template_helpers import ago, utc


def _row(row, thread_base: str, bulk_form: str | None) -> str:
    thread = row.thread
    tid = int(thread.id)
    client = escape(row.client_name)
    parts = [f'<tr class="{"unread" if row.unread else ""}" data-thread="{tid}">\n']
    if bulk_form:
        parts.append(f'    <td><input type="checkbox" name="thread_ids" value="{tid}" form="{escape(bulk_form)}"\n'
                     f'      aria-label="Select {escape(thread.subject or "thread")} ({client})"></td>\n')
    parts.append(f'    <td>{client}</td>\n'
                 f'    <td><a href="{thread_base}{tid}">{escape(thread.subject or "(no subject)")}</a>\n')
    if row.unread:
        parts.append('      <span class="badge label-blue">unread</span>\n')
    parts.append(f'      <div class="muted excerpt">{escape(row.excerpt)}</div></td>\n    <td>')
    wait = row.wait
    if wait:
        parts.append(f'<span class="badge badge-{escape(wait.state)}" title="waiting since {escape(utc(wait.since))}">'
                     f'{escape(wait.label)}</span>')
    parts.append(f'</td>\n    <td><small class="muted">{escape(ago(thread.last_message_at or thread.created_at))}'
                 '</small></td>\n  </tr>\n')
    return "".join(parts)


def thread_rows(rows, thread_base: str, bulk_form: str | None, empty_text: str) -> Markup:
    """The rows' `<tr>`s (each thread's link is `thread_base` and its id), or one row saying `empty_text`;
    with `bulk_form` (a form's id), a tick box per row belonging to that form."""
    if not rows:
        return Markup(f'<tr><td colspan="{5 if bulk_form else 4}" class="muted">{escape(empty_text)}</td></tr>\n')
    return Markup("".join([_row(row, thread_base, bulk_form) for row in rows]))
