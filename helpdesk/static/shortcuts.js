// The desk's keyboard shortcuts, listed in the dialog that ? opens (templates/inbox/_shortcuts.html).
// Keys are ignored while typing in a field, except Ctrl/Cmd+Enter (send) and Escape (leave the field).
(function () {
  var help = document.getElementById("shortcuts-help");
  if (!help) return;
  var box = document.getElementById("reply-body");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.inbox-rows tbody tr[data-thread]"));
  var current = -1;

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function say(text) {
    var out = document.getElementById("shortcut-status");
    if (out) out.textContent = text;
  }
  function select(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r) { r.classList.remove("selected"); });
    rows[current].classList.add("selected");
    var link = rows[current].querySelector("a");
    if (link) link.focus();
  }
  function markRead(threadId) {
    var body = new FormData();
    body.append("csrf_token", help.dataset.csrf);
    return fetch(help.dataset.readUrl.replace("/0/", "/" + threadId + "/"), {
      method: "POST", body: body, credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      var row = document.querySelector("tr[data-thread='" + threadId + "']");
      if (row) row.classList.remove("unread");
      say("Marked read.");
    }).catch(function () { say("Could not mark it read; try again."); });
  }

  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && box && e.target === box) {
      e.preventDefault();
      if (box.form.requestSubmit) box.form.requestSubmit(); else box.form.submit();
      return;
    }
    if (e.key === "Escape" && typing(e.target)) { e.target.blur(); return; }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey || help.open) return;
    var next = document.getElementById("next-waiting");
    switch (e.key) {
      case "?":
        e.preventDefault();
        help.showModal();
        break;
      case "n":
        if (next) { e.preventDefault(); window.location.href = next.href; }
        break;
      case "r":
        if (box) { e.preventDefault(); box.focus(); }
        break;
      case "s":
        var search = document.getElementById("saved-reply-search");
        if (search) { e.preventDefault(); search.focus(); }
        break;
      case "m":
        var thread = box ? help.dataset.thread : (current >= 0 ? rows[current].dataset.thread : null);
        if (thread) { e.preventDefault(); markRead(thread); }
        break;
      case "j":
        e.preventDefault(); select(current + 1);
        break;
      case "k":
        e.preventDefault(); select(current - 1);
        break;
      case "o":
        if (current >= 0) { var a = rows[current].querySelector("a"); if (a) window.location.href = a.href; }
        break;
    }
  });
  help.querySelector("button.close").addEventListener("click", function () { help.close(); });
})();
