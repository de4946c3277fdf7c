/* Progressive enhancement, loaded with `defer`: every page works without it.

   Reordering: a form marked data-reorder (the "Move up/down", "Earlier/Later" buttons)
   is sent in the background; the list it belongs to (the closest [data-reorderable]
   with an id) is replaced by the same list from the page the server answers with. The
   page does not jump, the focus stays on the moved item's button, and a polite live
   region says it moved. If anything goes wrong, the form is sent the ordinary way. */
(function () {
  "use strict";

  function focusAgain(list, form, label) {
    var buttons = list.querySelectorAll("form[action='" + form.getAttribute("action") + "'] button");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].textContent.trim() === label) return buttons[i].focus();
    }
    if (buttons.length) return buttons[0].focus();
    list.setAttribute("tabindex", "-1");
    list.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-reorder") || !window.fetch || !window.DOMParser) return;
    var list = form.closest("[data-reorderable]");
    if (!list || !list.id) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("button");
    var label = button ? button.textContent.trim() : "";
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(list.id);
        if (!fresh) throw new Error("the list is not on the answer");
        list.replaceWith(fresh);
        focusAgain(fresh, form, label);
        var status = document.getElementById("reorder-status");
        if (status) status.textContent = status.getAttribute("data-done");
      })
      .catch(function () {
        form.removeAttribute("data-reorder");
        form.submit();
      });
  });
})();

/* A document being prepared (documents/not_ready.html): ask again every few seconds,
   quietly, and open it as soon as it is ready (or show why it cannot be). Without
   JavaScript, the "Open the document" link does the same by hand. */
(function () {
  "use strict";
  var retry = document.querySelector("[data-document-retry]");
  if (!retry || !window.fetch) return;
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(retry.href, { method: "HEAD", credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 202) return window.location.reload();
        if (tries < 40) window.setTimeout(ask, 3000);
      })
      .catch(function () { if (tries < 40) window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 2000);
})();

/* The error summary (includes/form_errors.html): it takes the focus as the page opens, so
   a screen reader reads the problems first and the page starts at them; a link in it
   moves the focus into its field (scrolled clear of the sticky bars by the style sheet's
   scroll margins). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();

/* Asking before something is locked or removed: a form (or its button) carrying
   data-confirm-title asks in a dialog on the page, then is sent with "confirmed", and the
   server does it at once. Without JavaScript (or without <dialog>), the server asks on a
   page of its own (pages/confirm.html). */
(function () {
  "use strict";
  if (!window.HTMLDialogElement) return;
  var dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog border rounded p-4 shadow";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    dialog.innerHTML =
      '<h2 class="h4" id="confirm-dialog-title"></h2><p id="confirm-dialog-text"></p>' +
      '<form method="dialog" class="d-flex flex-wrap gap-2 mt-3">' +
      '<button value="yes" class="btn" data-yes></button><button value="no" class="btn btn-link" data-no></button></form>';
    document.body.appendChild(dialog);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var source = submitter && submitter.hasAttribute("data-confirm-title") ? submitter
      : form.hasAttribute("data-confirm-title") ? form : null;
    if (!source || form.querySelector("input[name='confirmed']")) return;
    event.preventDefault();
    if (!dialog) build();
    dialog.querySelector("#confirm-dialog-title").textContent = source.getAttribute("data-confirm-title");
    dialog.querySelector("#confirm-dialog-text").textContent = source.getAttribute("data-confirm") || "";
    var yes = dialog.querySelector("[data-yes]");
    yes.textContent = source.getAttribute("data-confirm-label") || "OK";
    yes.className = "btn " + (source.hasAttribute("data-confirm-danger") ? "btn-danger" : "btn-primary");
    var strings = document.getElementById("ui-strings");
    dialog.querySelector("[data-no]").textContent = strings ? strings.getAttribute("data-cancel") : "Cancel";
    dialog.onclose = function () {
      if (dialog.returnValue !== "yes") return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "confirmed";
      input.value = "1";
      form.appendChild(input);
      if (submitter && submitter.name) {
        var pressed = document.createElement("input");
        pressed.type = "hidden";
        pressed.name = submitter.name;
        pressed.value = submitter.value;
        form.appendChild(pressed);
      }
      form.dataset.leaving = "1";  // a deliberate send: no "unsaved changes" warning
      HTMLFormElement.prototype.submit.call(form);
    };
    dialog.returnValue = "";
    dialog.showModal();
    yes.focus();
  }, true);
})();

/* Mentions: in a comment box (textarea[data-mentions]) typing "@" and the start of a
   name offers the scheme's people (the page's #mention-people list); choosing one
   writes "@Full Name" and ticks that person in the form's "Mention someone" list when
   it has one. Without JavaScript the list (or typing "@Full Name") does the same. */
(function () {
  "use strict";
  var data = document.getElementById("mention-people");
  if (!data) return;
  var people = JSON.parse(data.textContent);
  var menu = null;

  function close() {
    if (menu) menu.remove();
    menu = null;
  }

  function query(box) {
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|\s)@([^\s@]{0,30})$/.exec(before);
    return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
  }

  function choose(box, found, name) {
    var end = box.selectionStart;
    box.value = box.value.slice(0, found.start) + "@" + name + " " + box.value.slice(end);
    var caret = found.start + name.length + 2;
    box.focus();
    box.setSelectionRange(caret, caret);
    var form = box.form;
    if (form) {
      form.querySelectorAll("input[type=checkbox][name$='mentions']").forEach(function (tick) {
        var label = form.querySelector("label[for='" + tick.id + "']");
        if (label && label.textContent.trim() === name) tick.checked = true;
      });
    }
    close();
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-mentions]")) return;
    close();
    var found = query(box);
    if (!found) return;
    var matches = people.filter(function (name) {
      return name.toLowerCase().indexOf(found.text.toLowerCase()) !== -1;
    }).slice(0, 8);
    if (!matches.length) return;
    menu = document.createElement("div");
    menu.className = "list-group position-absolute shadow-sm mention-menu";
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", box.labels && box.labels[0] ? box.labels[0].textContent.trim() : "@");
    matches.forEach(function (name) {
      var option = document.createElement("button");
      option.type = "button";
      option.className = "list-group-item list-group-item-action py-1";
      option.textContent = name;
      option.addEventListener("click", function () { choose(box, found, name); });
      menu.appendChild(option);
    });
    box.parentNode.style.position = "relative";
    box.insertAdjacentElement("afterend", menu);
  });

  document.addEventListener("keydown", function (event) {
    if (!menu) return;
    if (event.key === "Escape") return close();
    var box = event.target;
    if (event.key === "ArrowDown" && box.matches("textarea[data-mentions]")) {
      event.preventDefault();
      menu.querySelector("button").focus();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && menu.contains(box)) {
      event.preventDefault();
      var next = event.key === "ArrowDown" ? box.nextElementSibling : box.previousElementSibling;
      if (next) next.focus();
    }
  });
})();

/* Notifications: opening an unread one's link marks it read (its "Mark read" form, sent
   in the background as the browser follows the link). */
document.addEventListener("click", function (event) {
  "use strict";
  var link = event.target.closest && event.target.closest("a[data-mark-read]");
  var form = link && document.getElementById(link.getAttribute("data-mark-read"));
  if (!form || !window.fetch) return;
  fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true });
});

/* Pages at a glance: on a phone the main menu folds behind its "Menu" button (base.html).
   Without JavaScript the button stays hidden and the menu open. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  if (!toggle) return;
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  var nav = toggle.closest(".navbar");
  if (!menu || !nav) return;
  nav.classList.add("menu-folds");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = !menu.classList.contains("show");
    menu.classList.toggle("show", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
