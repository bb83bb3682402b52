/* The installable app (B7): the service worker keeps the field form and its files on the phone. */
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => { /* not offered here: online only */ });
  });
}
