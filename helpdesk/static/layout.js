// Tables that scroll sideways inside their box (phone width, app.css) get a keyboard stop, so a keyboard
// user can scroll them with the arrow keys, and a name to announce: the table's caption or the heading
// above it. Without script most browsers make such a box focusable by themselves.
(function () {
  function nameFor(table) {
    if (table.caption) return null;
    var el = table.parentElement && table.parentElement.classList.contains("table-scroll") ? table.parentElement : table;
    for (el = el.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return null;
  }
  function mark() {
    document.querySelectorAll("table.table, .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollStop = "1";
        var table = box.tagName === "TABLE" ? box : box.querySelector("table");
        var name = table && !box.hasAttribute("aria-label") && nameFor(table);
        if (name) box.setAttribute("aria-label", name);
        if (name && box.tagName !== "TABLE") box.setAttribute("role", "region");
      } else if (!scrolls && box.dataset.scrollStop) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollStop;
      }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(mark, 150); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark); else mark();
})();
