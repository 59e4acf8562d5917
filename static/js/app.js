// Behaviour the pages used to declare in inline handlers, which the Content Security
// Policy now refuses: declared with data- attributes, wired here once for every page.
"use strict";

document.addEventListener("change", function (event) {
  // <select data-submit-on-change>: choosing submits the form (the language picker).
  var field = event.target;
  if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("submit", function (event) {
  // <form data-confirm="…">: asks first, sends only when confirmed.
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

document.addEventListener("click", function (event) {
  // <button data-action="print">: opens the browser's print dialog.
  var button = event.target.closest && event.target.closest("[data-action='print']");
  if (button) {
    window.print();
  }
});
