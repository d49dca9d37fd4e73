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
  var pick = document.getElementById("saved-reply-pick");
  if (pick) pick.addEventListener("change", function () {
    var t = document.getElementById("saved-reply-" + pick.value);
    if (t) insert(t.content ? t.content.textContent : t.textContent);
    pick.value = "";
  });
  // Opening the thread marks it read: a POST, so a GET never changes anything.
  var form = document.getElementById("mark-read-form");
  if (form) fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
})();
