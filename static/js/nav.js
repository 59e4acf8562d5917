// The header's "Menu" button on a phone: it opens and closes the navigation it controls.
// The state lives in aria-expanded only; static/css/app.css hides the menu from it, and
// only when scripts run, so without this file the navigation simply stays open.
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest(".menu-toggle[aria-controls]");
  if (!button) {
    return;
  }
  var open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", open ? "true" : "false");
});

document.addEventListener("keydown", function (event) {
  // Escape inside the open menu closes it and gives focus back to its button.
  if (event.key !== "Escape") {
    return;
  }
  var button = document.querySelector(".menu-toggle[aria-expanded='true']");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (menu && menu.contains(document.activeElement)) {
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
});
