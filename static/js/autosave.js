/* Nothing typed is lost in the browser. Loaded with `defer`; every page works without it.

   - Leaving a page with something typed and not saved warns, in every form: closing or
     reloading the tab (beforeunload) and following a link of the page (a question).
   - A long form marked data-autosave saves itself as people type: the same form is sent
     in the background (header X-Autosave) a few seconds after typing stops, every half
     minute of steady typing, and when the page is hidden, through the server's normal
     save path (merge, conflict, history: mentoring/autosave.py). A status line says
     "Saving…", "Saved at 10:42", or why not, and what to do.
   - What could not reach the server (offline, a session that expired, a conflict) is
     kept in this browser (localStorage), with the versions it was written on, and
     offered back when the page is opened again; put back, it is saved through the same
     merge, so a colleague's change made meanwhile is never overwritten unseen.

   The page's words come from #ui-strings (translated by the server, base.html). */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;

  var QUIET = 3000; // ms without typing before a save
  var STEADY = 30000; // at most this long between saves while someone keeps typing
  var RETRY = 15000; // offline: try again this often
  var strings = document.getElementById("ui-strings");

  function t(name, value) {
    var text = strings ? strings.getAttribute("data-" + name) || name : name;
    return value === undefined ? text : text.replace("%s", value);
  }

  function editable(form) {
    return form.querySelector("input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select");
  }

  function serialise(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  function fingerprint(form) {
    return new URLSearchParams(serialise(form)).toString();
  }

  var forms = [];

  function Tracked(form, index) {
    this.form = form;
    this.autosave = form.hasAttribute("data-autosave");
    this.key = "draft:" + window.location.pathname + ":" + index;
    this.saved = fingerprint(form); // what the server holds, as far as this page knows
    this.leaving = false;
    this.timer = null;
    this.firstUnsaved = null;
    this.inFlight = null;
    this.status = null;
  }

  Tracked.prototype.dirty = function () {
    // data-leaving: sent on purpose by another script (the dialog that asks first).
    return !this.leaving && !this.form.dataset.leaving && fingerprint(this.form) !== this.saved;
  };

  Tracked.prototype.say = function (message, action) {
    if (!this.status) {
      this.status = document.createElement("p");
      this.status.className = "autosave-status small mb-0 ms-2";
      this.status.setAttribute("role", "status");
      var bar = this.form.querySelector(".sticky-bottom") || this.form;
      bar.appendChild(this.status);
    }
    this.status.textContent = message + " ";
    if (action) this.status.appendChild(action);
  };

  Tracked.prototype.keepHere = function () {
    try {
      window.localStorage.setItem(this.key, JSON.stringify({ at: Date.now(), fields: serialise(this.form) }));
    } catch (error) { /* storage full or forbidden: the warning on leaving still holds */ }
  };

  Tracked.prototype.forget = function () {
    try { window.localStorage.removeItem(this.key); } catch (error) { /* nothing kept */ }
  };

  Tracked.prototype.changed = function () {
    if (!this.autosave) return;
    var self = this;
    this.keepHere();
    if (this.firstUnsaved === null) this.firstUnsaved = Date.now();
    window.clearTimeout(this.timer);
    var wait = Math.max(0, Math.min(QUIET, STEADY - (Date.now() - this.firstUnsaved)));
    this.timer = window.setTimeout(function () { self.save(); }, wait);
  };

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-link btn-sm p-0 align-baseline";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  Tracked.prototype.sendTheOrdinaryWay = function () {
    // The server's own page then shows the conflict or the problems, with the text kept.
    this.leaving = true;
    HTMLFormElement.prototype.submit.call(this.form);
  };

  Tracked.prototype.save = function () {
    var self = this;
    window.clearTimeout(this.timer);
    // A save under way sent what the form held then: once it is answered, save again
    // whatever was typed since.
    if (this.inFlight) return this.inFlight.then(function (done) { return done && self.save(); });
    if (!this.dirty()) return Promise.resolve(true);
    var sent = fingerprint(this.form);
    var body = new FormData(this.form);
    this.say(t("saving"));
    this.inFlight = fetch(this.form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", keepalive: sent.length < 60000,
      headers: { "X-Autosave": "1", "Accept": "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // The login page (the session expired) or an error page: nothing was saved.
        self.keepHere();
        var login = document.createElement("a");
        login.href = "/accounts/login/?next=" + encodeURIComponent(window.location.pathname);
        login.setAttribute("data-no-leave-warning", "");  // what was typed is kept in this browser
        login.textContent = t("log-in-again");
        self.say(t("expired"), login);
        return false;
      }
      return response.json().then(function (report) { return self.answered(report, sent); });
    }).catch(function () {
      self.keepHere();
      self.say(t("offline"));
      window.setTimeout(function () { if (self.dirty()) self.save(); }, RETRY);
      return false;
    }).then(function (done) {
      self.inFlight = null;
      return done;
    });
    return this.inFlight;
  };

  Tracked.prototype.answered = function (report, sent) {
    var self = this;
    if (report.status === "saved") {
      var typedSince = fingerprint(this.form) !== sent;
      var fields = report.fields || {};
      Object.keys(fields).forEach(function (name) {
        var field = self.form.elements[name];
        if (!field) return;
        var answer = name.replace(/^v/, "q");
        // A version is moved on only for a field not typed into since this save was sent,
        // and someone else's merged answer is put in only then: a field still being
        // typed into keeps the version its text was written on, so the next save of it
        // over theirs is a conflict, never a silent overwrite.
        var touched = typedSince && self.form.elements[answer] && self.valueWhenSent(sent, answer) !== self.form.elements[answer].value;
        if (!touched) field.value = fields[name];
      });
      if (!typedSince) {
        this.saved = fingerprint(this.form);
        this.firstUnsaved = null;
        this.forget();
      } else {
        this.saved = sent;
        this.changed();
      }
      this.say(t("saved-at", report.saved_at));
      return true;
    }
    this.keepHere();
    if (report.status === "conflict") {
      this.say(t("conflict"), button(t("see-both"), function () { self.sendTheOrdinaryWay(); }));
    } else if (report.status === "invalid") {
      this.say(t("invalid"), button(t("show-problems"), function () { self.sendTheOrdinaryWay(); }));
    } else {
      this.say(t("locked"));
    }
    return false;
  };

  Tracked.prototype.valueWhenSent = function (sent, name) {
    return new URLSearchParams(sent).get(name);
  };

  Tracked.prototype.offerBack = function () {
    var kept;
    try { kept = JSON.parse(window.localStorage.getItem(this.key) || "null"); } catch (error) { kept = null; }
    if (!kept || !kept.fields) return;
    var self = this;
    var current = new URLSearchParams(serialise(this.form)).toString();
    if (new URLSearchParams(kept.fields).toString() === current) { this.forget(); return; }
    var box = document.createElement("div");
    box.className = "alert alert-warning";
    box.setAttribute("role", "alert");
    var when = new Date(kept.at).toLocaleString(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
    box.appendChild(document.createTextNode(t("draft-found", when) + " "));
    box.appendChild(button(t("put-back"), function () {
      // Boxes are ticked as they were (a box not in the draft was not ticked); radio
      // buttons and every other field take the draft's value.
      self.form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
      kept.fields.forEach(function (pair) {
        var field = self.form.elements[pair[0]];
        if (!field) return;
        if (field.type === "checkbox") field.checked = true;
        else field.value = pair[1];
      });
      box.remove();
      self.changed();
      if (!self.autosave) self.keepHere();
    }));
    box.appendChild(document.createTextNode(" · "));
    box.appendChild(button(t("discard"), function () { self.forget(); box.remove(); }));
    this.form.parentNode.insertBefore(box, this.form);
  };

  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form, index) {
    if (form.hasAttribute("data-no-leave-warning") || form.hasAttribute("data-reorder") || !editable(form)) return;
    var tracked = new Tracked(form, index);
    forms.push(tracked);
    form.addEventListener("input", function () { tracked.changed(); });
    form.addEventListener("change", function () { tracked.changed(); });
    form.addEventListener("submit", function () { tracked.leaving = true; tracked.forget(); });
    if (tracked.autosave) tracked.offerBack();
  });

  function unsaved() {
    return forms.filter(function (tracked) { return tracked.dirty(); });
  }

  var onPurpose = false;  // a link that keeps what was typed (data-no-leave-warning)

  window.addEventListener("beforeunload", function (event) {
    if (onPurpose || !unsaved().length) return;
    event.preventDefault();
    event.returnValue = "";
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") return;
    unsaved().forEach(function (tracked) { if (tracked.autosave) tracked.save(); else tracked.keepHere(); });
  });

  window.addEventListener("online", function () {
    unsaved().forEach(function (tracked) { if (tracked.autosave) tracked.save(); });
  });

  // A link of the page: the long forms save first; anything else not saved is asked about.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.target || link.hasAttribute("download") || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || link.origin !== window.location.origin) return;
    if (link.hasAttribute("data-no-leave-warning")) { onPurpose = true; return; }
    var pending = unsaved();
    if (!pending.length) return;
    event.preventDefault();
    Promise.all(pending.map(function (tracked) { return tracked.autosave ? tracked.save() : Promise.resolve(false); }))
      .then(function (results) {
        if (results.every(Boolean) || window.confirm(t("leave"))) {
          forms.forEach(function (tracked) { tracked.leaving = true; });
          window.location.href = link.href;
        }
      });
  });
})();
