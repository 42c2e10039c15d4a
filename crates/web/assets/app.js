// gongjiang: small enhancements on top of pages that work without scripts.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    // The menu folds away on phones; on wider screens it is always open.
    var menu = document.querySelector("details.menu");
    var wide = window.matchMedia("(min-width: 760px)");
    function fit() { if (menu && wide.matches) { menu.open = true; } }
    fit();
    wide.addEventListener("change", fit);
    var errors = document.getElementById("errors") || document.getElementById("import-errors");
    if (errors) {
      errors.setAttribute("tabindex", "-1");
      errors.focus();
    }
    // Ask before destructive actions (closing a unit, disabling an account, revoking).
    // Only the dangerous button of a form asks: a form may hold safe buttons beside it.
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("button.danger")) return;
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        var dangerous = submitter ? submitter.classList.contains("danger") : form.querySelectorAll("button:not(.danger)").length === 0;
        if (!dangerous) return;
        var message = document.documentElement.lang === "en" ? "Are you sure?" : "确定要执行此操作吗？";
        if (!window.confirm(message)) {
          event.preventDefault();
        }
      });
    });
    // Prevent double submission on slow networks.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        // Not when an earlier handler stopped it (a cancelled confirmation, the exam's script).
        if (event.defaultPrevented) return;
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
  });
})();
