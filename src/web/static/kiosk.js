// The price checker goes back to its start screen after 30 seconds without a key or a touch (issue 6 §2),
// so the next shopper never sees the last one's offers. Ten seconds in, it says so and offers to stay: 20
// seconds to extend with one tap (WCAG 2.2.1). Without script, a meta refresh does the same.
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-idle") || "0", 10);
  if (!seconds) return;
  var warning = document.getElementById("idle-warning");
  var leave = 0;
  var warn = 0;
  function reset() {
    clearTimeout(leave);
    clearTimeout(warn);
    if (warning) warning.hidden = true;
    warn = setTimeout(function () {
      if (warning) warning.hidden = false;
    }, Math.min(10, seconds) * 1000);
    leave = setTimeout(function () {
      window.location.href = "/price-checker";
    }, seconds * 1000);
  }
  ["keydown", "pointerdown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, reset, true);
  });
  reset();
})();
