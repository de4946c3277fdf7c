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
