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

document.addEventListener("click", function (event) {
  // <button data-copy="#selector">: copies that element's text (the Contact panel's final
  // message with its notice) and says so in the nearby role=status; where the clipboard is
  // refused, the text is selected for the person to copy themselves.
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) {
    return;
  }
  var status = button.parentElement && button.parentElement.querySelector(".copy-status");
  var say = function (attribute) {
    if (status) {
      status.textContent = button.getAttribute(attribute) || "";
    }
  };
  var selectText = function () {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent).then(
      function () {
        say("data-copied");
      },
      function () {
        selectText();
        say("data-copy-failed");
      }
    );
  } else {
    selectText();
    say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-copy-failed");
  }
});
