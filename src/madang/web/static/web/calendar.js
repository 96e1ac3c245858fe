/* calendar.js: moving a scheduled post on the office's publishing calendar (month and week).
   Every move is the entry's own move form (POST /office/publish/drafts/<id>/move), so the
   server's rules hold unchanged: who may move, not into the past. This script only fills in
   the form's datetime-local field and submits it.
   - Drag an entry onto another day: same time of day, that day.
   - Keyboard: focus the entry's "날짜 옮기기" button; ArrowLeft/ArrowRight pick a day earlier or
     later, ArrowUp/ArrowDown an hour earlier or later, Enter moves, Escape puts it back. Each
     pick is announced in the page's aria-live region (#calendar-live).
   Without JavaScript the button stays hidden and the form works as it is. */
(function () {
  "use strict";
  var live = document.getElementById("calendar-live");
  if (!live) return;  // the viewer may not move posts
  var dragging = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parse(value) {  // "2026-12-09T18:00" -> a Date at that wall-clock time
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    return m ? new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) : null;
  }

  function format(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function spoken(value) {
    var date = parse(value);
    if (!date) return value;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "ko", {
        month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit"
      }).format(date);
    } catch (e) { return value.replace("T", " "); }
  }

  function say(name, value) {
    live.textContent = (live.getAttribute("data-text-" + name) || "").replace("{when}", spoken(value));
  }

  function fieldOf(entry) { return entry.querySelector("[data-move-form] input[name=scheduled_at]"); }

  function submit(entry) {
    var form = entry.querySelector("[data-move-form]");
    say("sending", fieldOf(entry).value);
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  var entries = document.querySelectorAll("[data-move-entry]");
  Array.prototype.forEach.call(entries, function (entry) {
    var field = fieldOf(entry);
    var handle = entry.querySelector("[data-move-handle]");
    if (!field || !handle) return;
    var original = field.value;
    entry.setAttribute("draggable", "true");
    handle.hidden = false;
    // A draggable parent keeps some browsers from selecting or editing inside its fields: the
    // entry is draggable only while the pointer is not pressed in one of its form fields.
    entry.addEventListener("pointerdown", function (event) {
      entry.setAttribute("draggable", event.target.closest("input, select, textarea, label") ? "false" : "true");
    });

    entry.addEventListener("dragstart", function (event) {
      dragging = entry;
      entry.classList.add("office-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", entry.getAttribute("data-move-entry"));
    });
    entry.addEventListener("dragend", function () {
      entry.classList.remove("office-dragging");
      dragging = null;
    });

    handle.addEventListener("keydown", function (event) {
      var date = parse(field.value);
      if (!date) return;
      var key = event.key;
      if (key === "ArrowLeft" || key === "ArrowRight") {
        date.setDate(date.getDate() + (key === "ArrowLeft" ? -1 : 1));
      } else if (key === "ArrowUp" || key === "ArrowDown") {
        date.setHours(date.getHours() + (key === "ArrowUp" ? -1 : 1));
      } else if (key === "Enter") {
        event.preventDefault();
        if (field.value !== original) submit(entry);
        return;
      } else if (key === "Escape") {
        field.value = original;
        say("reset", original);
        return;
      } else {
        return;
      }
      event.preventDefault();
      field.value = format(date);
      say("pending", field.value);
    });
  });

  var days = document.querySelectorAll("[data-day]");
  Array.prototype.forEach.call(days, function (day) {
    day.addEventListener("dragover", function (event) {
      if (!dragging) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      day.classList.add("office-drop");
    });
    day.addEventListener("dragleave", function () { day.classList.remove("office-drop"); });
    day.addEventListener("drop", function (event) {
      day.classList.remove("office-drop");
      if (!dragging) return;
      event.preventDefault();
      var entry = dragging;
      var field = fieldOf(entry);
      var time = (field.value.split("T")[1] || "09:00");
      var value = day.getAttribute("data-day") + "T" + time;
      if (value === field.value) return;
      field.value = value;
      submit(entry);
    });
  });
})();
