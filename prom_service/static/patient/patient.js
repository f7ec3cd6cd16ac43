// Enhancements only: every page works without this file.
// 1. Move focus to the error summary, as the NHS.UK error-summary pattern asks, so screen readers
//    announce the problem first. 2. Stop a double tap from posting a form twice.
(function () {
  "use strict";
  document.documentElement.classList.add("js-enabled");
  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.add("nhsuk-frontend-supported");
    var summary = document.querySelector(".nhsuk-error-summary");
    if (summary) {
      summary.focus();
    }
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-submitted")) {
          event.preventDefault();
        }
        form.setAttribute("data-submitted", "true");
      });
    });
  });
})();
