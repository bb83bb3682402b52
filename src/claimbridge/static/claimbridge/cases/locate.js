// "Use my location" on the report page: the phone's position (WGS-84) goes into the form, and the county it falls
// in is picked for the driver. Without permission or signal the driver picks the county by hand. The button is shown
// only once this script is listening (and the phone can locate), so a tap is never lost while the page loads.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-locate]");
  if (!button || !navigator.geolocation) return;
  var form = button.form;
  var status = document.getElementById(button.getAttribute("aria-describedby"));
  status.textContent = button.dataset.waiting;
  navigator.geolocation.getCurrentPosition(function (position) {
    form.elements.latitude.value = position.coords.latitude.toFixed(6);
    form.elements.longitude.value = position.coords.longitude.toFixed(6);
    fetch(button.dataset.locateUrl, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({lat: position.coords.latitude, lon: position.coords.longitude, crs: "wgs84"})
    }).then(function (response) { return response.json(); }).then(function (place) {
      var option = place.adcode && form.elements.county.querySelector('option[value="' + place.adcode + '"]');
      if (option) {
        form.elements.county.value = place.adcode;
        status.textContent = button.dataset.found + " " + place.city + place.county;
      } else {
        status.textContent = button.dataset.outside;
      }
      form.dispatchEvent(new CustomEvent("claimbridge:placed", {bubbles: true}));  // a county map shows the pin
    }).catch(function () { status.textContent = button.dataset.failed; });
  }, function () { status.textContent = button.dataset.failed; }, {enableHighAccuracy: true, timeout: 15000});
});

if (navigator.geolocation) {
  document.querySelectorAll("[data-locate][hidden]").forEach(function (button) { button.hidden = false; });
}
