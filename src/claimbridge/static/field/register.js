/* The installable app (B7): the service worker keeps the field form and its files on the phone. */
"use strict";
if ("serviceWorker" in navigator) {
  // Once the page has loaded and the phone is idle: installing never competes with what the user is doing.
  const register = () => navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => { /* online only */ });
  const later = () => (window.requestIdleCallback ? window.requestIdleCallback(register, { timeout: 5000 })
    : window.setTimeout(register, 2000));
  if (document.readyState === "complete") later(); else window.addEventListener("load", later);
}
