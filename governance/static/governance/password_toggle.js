// viewflow's password field shows or hides the password with a button whose only text is an
// icon's ligature ("visibility_off"), which screen readers read out. Name it, and say its state.
(function () {
  function label(field) {
    var input = field.querySelector("input");
    var button = field.querySelector("button.vf-text-field__button");
    if (!input || !button) return;
    var shown = input.type === "text";
    var name = shown ? "隱藏密碼" : "顯示密碼";
    if (button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
    if (button.getAttribute("aria-pressed") !== String(shown)) button.setAttribute("aria-pressed", String(shown));
    var icon = button.querySelector(".material-icons");
    if (icon && icon.getAttribute("aria-hidden") !== "true") icon.setAttribute("aria-hidden", "true");
  }
  function watch() {
    document.querySelectorAll("vf-field-password").forEach(function (field) {
      label(field);
      if (field.dataset.govWatched) return;
      field.dataset.govWatched = "1";
      // The component re-renders its button when toggled.
      new MutationObserver(function () { label(field); }).observe(field, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["type"],
      });
    });
  }
  document.addEventListener("DOMContentLoaded", watch);
  document.addEventListener("turbo:load", watch);
  window.addEventListener("load", watch);
})();
