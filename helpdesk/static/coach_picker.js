// The auditors' queue's coach picker: suggestions for what is typed (name or email), from a small JSON list.
// Without this script the field is a plain search by name or email, answered by the page itself.
(function () {
  var input = document.getElementById("coach-filter"), list = document.getElementById("coach-options");
  if (!input || !list || !window.fetch) return;
  var timer = null, asked = "";
  function suggest() {
    var term = input.value.trim();
    if (term.length < 2 || term === asked) return;
    asked = term;
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(term),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (coaches) {
        if (term !== input.value.trim()) return;  // typed on meanwhile: a newer answer will come
        list.textContent = "";
        coaches.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.email || c.name;
          option.label = (c.email ? c.name + ", " : "") + c.open + " open";
          option.textContent = option.label;
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
