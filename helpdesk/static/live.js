// Live pages (helpdesk/live): hear over server-sent events what changed, then fetch it through the ordinary,
// permission-checked pages (the stream itself carries no text). Without JavaScript every page still works;
// it just does not update by itself. The thread page also reports its user's presence (staff only).
(function () {
  "use strict";
  var me = document.getElementById("live-js");
  if (!me || !window.fetch || !window.DOMParser) return;
  var threadBox = document.getElementById("live-thread");
  var staff = me.dataset.staff === "1";
  var csrf = me.dataset.csrf;
  var source = null, fallbackTimer = null, lastId = me.dataset.since;

  function rowsTable() { return document.querySelector("table.inbox-rows"); }
  function rowIds() {
    var ids = [];
    document.querySelectorAll("table.inbox-rows tr[data-thread]").forEach(function (tr) { ids.push(tr.dataset.thread); });
    return ids;
  }
  function presenceIds() { return threadBox ? (staff ? [threadBox.dataset.thread] : []) : (staff ? rowIds() : []); }

  // One refresh of each kind at a time; a signal heard meanwhile runs it once more afterwards.
  function coalesced(work) {
    var running = false, again = false, timer = null;
    function run() {
      timer = null;
      if (running) { again = true; return; }
      running = true;
      Promise.resolve().then(work).catch(function () {}).then(function () {
        running = false;
        if (again) { again = false; schedule(); }
      });
    }
    function schedule() { if (!timer) timer = setTimeout(run, 250); }
    return schedule;
  }

  function fetchPage(url) {
    return fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "live"}}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }

  // The bell and presence: /live/state.
  var refreshState = coalesced(function () {
    var query = presenceIds().map(function (id) { return "thread=" + encodeURIComponent(id); }).join("&");
    return fetch(me.dataset.state + (query ? "?" + query : ""), {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (state) {
        showBell(state.unread_notifications);
        if (state.presence) showPresence(state.presence);
      });
  });

  function showBell(n) {
    var bell = document.querySelector("a.bell");
    if (!bell) return;
    var count = bell.querySelector(".count");
    if (n > 0) {
      if (!count) {
        count = document.createElement("span");
        count.className = "count";
        count.dataset.testid = "bell-count";
        bell.appendChild(count);
      }
      count.textContent = String(n);
    } else if (count) {
      count.remove();
    }
    bell.setAttribute("aria-label", "Notifications: " + n + " unread");
  }

  function describe(marks) {
    return marks.map(function (m) {
      return m.name + (m.state === "typing" ? " is replying" : " is viewing");
    }).join(" · ");
  }
  var presenceByThread = {};
  function showPresence(byThread) {
    presenceByThread = byThread;
    if (threadBox) {
      var out = document.getElementById("live-presence");
      if (!out) return;
      var text = describe(byThread[threadBox.dataset.thread] || []);
      out.textContent = text;
      out.hidden = !text;
      return;
    }
    document.querySelectorAll("table.inbox-rows tr[data-thread]").forEach(function (tr) {
      var text = describe(byThread[tr.dataset.thread] || []);
      var cell = tr.children[1] || tr.firstElementChild;
      var tag = tr.querySelector(".live-presence");
      if (!text) { if (tag) tag.remove(); return; }
      if (!tag) {
        tag = document.createElement("div");
        tag.className = "muted live-presence";
        tag.dataset.testid = "row-presence";
        cell.appendChild(tag);
      }
      tag.textContent = text;
    });
  }

  // The inbox: the same page fetched again, its counts, rows and pager put in place.
  var refreshInbox = coalesced(function () {
    var before = rowIds().join(",");
    return fetchPage(location.href).then(function (doc) {
      ["nav.tabs", "table.inbox-rows", "p.pager"].forEach(function (selector) {
        var now = document.querySelector(selector), fresh = doc.querySelector(selector);
        if (!now || !fresh) return;
        var checked = {};
        now.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { checked[box.name + "=" + box.value] = true; });
        fresh.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (checked[box.name + "=" + box.value]) box.checked = true; });
        now.replaceWith(document.importNode(fresh, true));
      });
      showPresence(presenceByThread);
      if (rowIds().join(",") !== before) { connect(); refreshState(); }
    });
  });

  // A thread: new messages added (marked new; the reply form keeps the id of the last message its writer
  // saw, so the collision guard still holds a reply written before they were read), the read receipt and,
  // for staff, the communication area.
  var refreshThread = coalesced(function () {
    return fetchPage(threadBox.dataset.url).then(function (doc) {
      var conversation = document.querySelector("section.conversation");
      var anchor = conversation && (conversation.querySelector(".read-receipt") || document.getElementById("live-thread"));
      var added = [];
      doc.querySelectorAll("section.conversation article.message").forEach(function (article) {
        if (!conversation || document.getElementById(article.id)) return;
        var node = document.importNode(article, true);
        node.classList.add("new-message");
        node.dataset.testid = "live-message";
        conversation.insertBefore(node, anchor);
        var empty = conversation.querySelector("p.muted:not(.read-receipt)");
        if (empty && empty.textContent.indexOf("No messages") === 0) empty.remove();
        added.push(node);
      });
      var receipt = doc.querySelector(".read-receipt"), mine = document.querySelector(".read-receipt");
      if (receipt && mine) mine.replaceWith(document.importNode(receipt, true));
      else if (receipt && conversation) conversation.insertBefore(document.importNode(receipt, true), threadBox);
      var area = document.getElementById("communication"), freshArea = doc.getElementById("communication");
      if (area && freshArea) {
        var note = area.querySelector("#note-body"), typing = note && note.value, focused = note && document.activeElement === note;
        var node = document.importNode(freshArea, true);
        area.replaceWith(node);
        var newNote = node.querySelector("#note-body");
        if (newNote && typing) newNote.value = typing;
        if (newNote && focused) newNote.focus();
      }
      if (added.length) {
        var notice = document.getElementById("live-notice");
        if (notice) {
          var names = added.map(function (n) { var s = n.querySelector(".meta strong"); return s ? s.textContent : ""; });
          notice.textContent = added.length + " new message" + (added.length === 1 ? "" : "s") + " from " +
            names.filter(function (v, i) { return v && names.indexOf(v) === i; }).join(", ") + " (marked new above).";
          notice.hidden = false;
        }
        markRead();
      }
    });
  });

  function markRead() {
    var form = document.getElementById("mark-read-form");
    if (form && document.visibilityState === "visible") {
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
    }
  }

  function heard(event) {
    var change;
    if (event.lastEventId) lastId = event.lastEventId;
    try { change = JSON.parse(event.data); } catch (e) { return; }
    var kind = change.kind;
    if (kind === "refresh") { refreshAll(); return; }
    if (kind === "bell" || kind === "presence") refreshState();
    if (threadBox && (kind === "message" || kind === "comm")) refreshThread();
    if (!threadBox && rowsTable() && (kind === "message" || kind === "read")) refreshInbox();
  }
  function refreshAll() {
    refreshState();
    if (threadBox) refreshThread();
    else if (rowsTable()) refreshInbox();
  }

  function streamUrl() {
    var parts = ["since=" + encodeURIComponent(lastId)];
    if (threadBox) return threadBox.dataset.stream + "?" + parts.join("&");
    if (rowsTable()) {
      parts.push("inbox=1");
      presenceIds().forEach(function (id) { parts.push("thread=" + encodeURIComponent(id)); });
    }
    return me.dataset.stream + "?" + parts.join("&");
  }

  // The stream ends every minute or so and EventSource reconnects by itself, sending the last id it saw.
  // Refused (the server is full, or runs one request at a time): refresh on a slow timer, and retry later.
  function connect() {
    if (!window.EventSource) { fallback(); return; }
    if (source) source.close();
    source = new EventSource(streamUrl());
    source.addEventListener("change", heard);
    source.addEventListener("refresh", refreshAll);
    source.addEventListener("ready", function (event) { if (event.lastEventId) lastId = event.lastEventId; });
    source.addEventListener("open", function () {
      if (fallbackTimer) { clearInterval(fallbackTimer); fallbackTimer = null; }
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        fallback();
        setTimeout(connect, 60000 + Math.random() * 30000);
      }
    };
  }
  function fallback() { if (!fallbackTimer) fallbackTimer = setInterval(refreshAll, 30000); }

  // Presence (staff on a thread page): viewing while open, typing while writing, left when closed.
  function report(state) {
    if (!threadBox || !staff) return;
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("state", state);
    if (state === "left" && navigator.sendBeacon) { navigator.sendBeacon(threadBox.dataset.presence, body); return; }
    fetch(threadBox.dataset.presence, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer) { var p = {}; p[threadBox.dataset.thread] = answer.presence; showPresence(p); } })
      .catch(function () {});
  }
  if (threadBox && staff) {
    var typing = false, idle = null, sentTypingAt = 0;
    var box = document.getElementById("reply-body");
    if (box) box.addEventListener("input", function () {
      var now = Date.now();
      if (!typing || now - sentTypingAt > 4000) { typing = true; sentTypingAt = now; report("typing"); }
      clearTimeout(idle);
      idle = setTimeout(function () { typing = false; report("viewing"); }, 5000);
    });
    report("viewing");
    setInterval(function () {
      if (document.visibilityState === "visible") { if (!typing) report("viewing"); refreshState(); }
    }, Number(threadBox.dataset.heartbeat || 15) * 1000);
    window.addEventListener("pagehide", function () { report("left"); });
  }

  // A mark of someone who left without a word ends by itself on the server: inbox rows showing one look again.
  if (!threadBox) setInterval(function () {
    var shown = Object.keys(presenceByThread).some(function (id) { return presenceByThread[id].length; });
    if (shown && document.visibilityState === "visible") refreshState();
  }, 20000);

  connect();
  if (presenceIds().length) refreshState();
})();
