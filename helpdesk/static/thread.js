// The thread page: insert a saved reply or a link into the reply box, and mark the thread read.
(function () {
  var box = document.getElementById("reply-body");
  function insert(text) {
    var start = box.selectionStart || box.value.length, end = box.selectionEnd || box.value.length;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var sep = before && !/\n$/.test(before) ? "\n" : "";
    box.value = before + sep + text + after;
    box.focus();
  }
  document.querySelectorAll(".insert-link").forEach(function (b) {
    b.addEventListener("click", function () { insert("answered here: " + b.dataset.link); });
  });
  // Quick search: type part of a saved reply's title (the datalist suggests), Enter inserts the first match
  // with its variables already filled in by the server for this thread.
  var search = document.getElementById("saved-reply-search");
  function savedReply(text) {
    var wanted = text.trim().toLowerCase(), exact = null, partial = null;
    if (!wanted) return null;
    document.querySelectorAll("template[id^='saved-reply-']").forEach(function (t) {
      var title = t.dataset.title.toLowerCase();
      if (title === wanted && !exact) exact = t;
      else if (title.indexOf(wanted) !== -1 && !partial) partial = t;
    });
    return exact || partial;
  }
  function insertSaved() {
    var t = savedReply(search.value);
    if (!t) return false;
    insert(t.content ? t.content.textContent : t.textContent);
    search.value = "";
    return true;
  }
  if (search) {
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); insertSaved(); }
      if (e.key === "Escape") { search.value = ""; box.focus(); }
    });
    // Picking a suggestion from the list fills the field with its whole title: insert it at once.
    search.addEventListener("input", function (e) {
      if (!e.inputType || e.inputType === "insertReplacementText") {
        var t = savedReply(search.value);
        if (t && t.dataset.title.toLowerCase() === search.value.trim().toLowerCase()) insertSaved();
      }
    });
  }
  // Opening the thread marks it read: a POST, so a GET never changes anything.
  var form = document.getElementById("mark-read-form");
  if (form) fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
})();
