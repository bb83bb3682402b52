// The party's page (issue 13): filter the illustrated circumstances as the driver types or taps a word, and bring
// the first error of a screen into view. Plain script, no build step; without it every choice is still listed.
(function () {
  "use strict";
  function filter(box) {
    var list = document.querySelector(box.getAttribute("data-filter"));
    var input = box.querySelector("input[type=search]");
    var none = document.querySelector("[data-testid=no-match]");
    if (!list || !input) { return; }
    function apply() {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      list.querySelectorAll("[data-keys]").forEach(function (card) {
        var keys = card.getAttribute("data-keys");
        var match = words.length === 0 || words.some(function (w) { return keys.indexOf(w) !== -1; });
        var picked = card.querySelector("input:checked") !== null;
        card.hidden = !(match || picked);
        if (!card.hidden) { shown += 1; }
      });
      if (none) { none.hidden = shown > 0; }
      box.querySelectorAll("[data-q]").forEach(function (chip) {
        chip.setAttribute("aria-pressed", chip.getAttribute("data-q") === input.value ? "true" : "false");
      });
    }
    input.addEventListener("input", apply);
    box.querySelectorAll("[data-q]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        input.value = input.value === chip.getAttribute("data-q") ? "" : chip.getAttribute("data-q");
        apply();
      });
    });
    apply();
  }
  function start() {
    document.querySelectorAll("[data-filter]").forEach(filter);
    var error = document.querySelector(".journey .error[role=alert]");
    if (error) { error.scrollIntoView({ block: "center" }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
