/* desk_location.js: the 민원 form's "내 위치" button fills latitude and longitude from the
 * browser's geolocation. Without JavaScript the button stays hidden and the fields are typed. */
(function () {
  "use strict";
  var MESSAGES = {
    ko: { asking: "위치를 찾는 중입니다…", done: "위치를 채웠습니다.", failed: "위치를 찾지 못했습니다. 주소를 적어 주세요." },
    en: { asking: "Finding your location…", done: "Location filled in.", failed: "Could not find your location. Please type the address." }
  };
  function say(key) {
    var lang = (document.documentElement.lang || "ko").slice(0, 2);
    return (MESSAGES[lang] || MESSAGES.ko)[key];
  }
  function setUp() {
    var button = document.querySelector("[data-my-location]");
    if (!button || !navigator.geolocation) return;
    var form = button.closest("form");
    var status = form.querySelector("[data-location-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = say("asking");
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=long]").value = position.coords.longitude.toFixed(6);
        status.textContent = say("done");
      }, function () {
        status.textContent = say("failed");
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
