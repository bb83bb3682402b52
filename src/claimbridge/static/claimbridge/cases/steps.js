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
  // A confirmation voided while the driver looks elsewhere on the page (issue 13): once the live update brings the
  // notice, it is scrolled to where they can read it, once per voiding.
  var voidedSeen = {};
  function markVoided(scroll) {
    document.querySelectorAll("[data-voided-at]").forEach(function (notice) {
      var at = notice.getAttribute("data-voided-at");
      if (voidedSeen[at]) { return; }
      voidedSeen[at] = true;
      var box = notice.getBoundingClientRect();
      if (scroll && (box.top < 0 || box.bottom > window.innerHeight)) { notice.scrollIntoView({ block: "center" }); }
    });
  }
  function start() {
    document.querySelectorAll("[data-filter]").forEach(filter);
    var error = document.querySelector(".journey .error[role=alert]");
    if (error) { error.scrollIntoView({ block: "center" }); }
    markVoided(false);
    document.addEventListener("htmx:afterSettle", function () { markVoided(true); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
