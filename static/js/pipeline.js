// The pipeline board's drag and drop: a card dropped on a column does what that card's
// own button for that column does (the buttons work without this file).
"use strict";

(function () {
  var dragged = null;

  function moveTo(card, column) {
    var target = card.querySelector("[data-move-to='" + column + "']");
    if (!target) {
      return;
    }
    if (target.tagName === "FORM") {
      target.requestSubmit();
    } else if (target.tagName === "A") {
      // Won: the deal page, where the sale's conditions are checked.
      window.location.assign(target.href);
    } else if (target.tagName === "DETAILS") {
      // Lost asks for confirmation: open the question at the card, focused.
      target.open = true;
      var confirm = target.querySelector("button");
      if (confirm) {
        confirm.focus();
      }
    }
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".pipeline-card[data-deal]");
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
    document.querySelectorAll(".pipeline-column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".pipeline-column");
    if (column && !column.contains(dragged)) {
      event.preventDefault();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".pipeline-column");
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".pipeline-column");
    if (!column || column.contains(dragged)) {
      return;
    }
    event.preventDefault();
    column.classList.remove("drop-target");
    moveTo(dragged, column.getAttribute("data-column"));
  });
})();
