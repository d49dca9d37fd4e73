// The rankings page's recompute job: show its progress and poll it until it finishes.
(function () {
  var box = document.getElementById("job"), bar = document.getElementById("job-bar"), text = document.getElementById("job-text");
  if (!box) return;
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.style.width = (job.progress || 0) + "%";
        bar.parentNode.setAttribute("aria-valuenow", job.progress || 0);
        text.textContent = job.status + (job.progress_text ? ": " + job.progress_text : "");
        if (job.status === "finished") { window.location = box.dataset.doneUrl; }
        else if (job.status === "failed") { text.textContent = "failed: " + (job.error || ""); }
        else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
