// Keyboard and screen-reader fixes to viewflow's frame and to our forms; a static file, since
// the Content-Security-Policy allows no inline script.
// - The menu button and the account button say whether what they open is open (aria-expanded):
//   viewflow's page component toggles classes only, so the state is read back from them.
// - The menu's link to the page shown is marked as the current page (aria-current).
// - A form sent back with errors: the first field in error gets the focus, so a keyboard or
//   screen-reader user lands on what to correct (its message is linked by aria-describedby).
(function () {
  function watchClass(element, update) {
    update();
    if (element.dataset.govA11yWatched) return;
    element.dataset.govA11yWatched = "1";
    new MutationObserver(update).observe(element, {attributes: true, attributeFilter: ["class"]});
  }

  function frame() {
    var page = document.querySelector("vf-page");
    var drawer = document.getElementById("gov-drawer");
    var account = document.querySelector(".vf-page__menu-toggle-button");
    var menu = document.querySelector(".mdc-top-app-bar__navigation-icon");
    if (page && account) {
      watchClass(page, function () {
        var open = page.classList.contains("vf-page__menu--secondary-open");
        account.setAttribute("aria-expanded", String(open));
      });
      if (!account.dataset.govA11yClick) {
        account.dataset.govA11yClick = "1";
        // A page without viewflow's page component (none today) would leave the button dead.
        account.addEventListener("click", function () {
          if (!window.customElements.get("vf-page")) page.classList.toggle("vf-page__menu--secondary-open");
        });
      }
    }
    if (drawer && menu) {
      watchClass(drawer, function () {
        var open = drawer.classList.contains("mdc-drawer--open") && !drawer.classList.contains("mdc-drawer--closing");
        menu.setAttribute("aria-expanded", String(open));
      });
    }
    if (drawer) {
      drawer.querySelectorAll("a.mdc-list-item").forEach(function (link) {
        if (link.classList.contains("mdc-list-item--selected")) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      });
    }
  }

  function describedBy(field, id) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) < 0) field.setAttribute("aria-describedby", ids.concat([id]).join(" "));
  }

  // viewflow's own forms (the login page) show the errors of the whole form above the fields,
  // linked to none: the first field is described by them and marked invalid.
  function viewflowFormErrors() {
    document.querySelectorAll(".vf-form__errors").forEach(function (errors, i) {
      var form = errors.closest("form");
      var field = form && form.querySelector("input:not([type=hidden]), select, textarea");
      if (!field) return;
      if (!errors.id) errors.id = "gov-form-errors-" + i;
      describedBy(field, errors.id);
      field.setAttribute("aria-invalid", "true");
    });
  }

  // A group of radio buttons or checkboxes in error: Django links the message to the fieldset,
  // which not every screen reader reads on entering it; each choice is described by it too.
  function fieldsetErrors() {
    document.querySelectorAll("fieldset[aria-describedby]").forEach(function (fieldset) {
      var ids = fieldset.getAttribute("aria-describedby").split(/\s+/).filter(Boolean);
      fieldset.querySelectorAll('[aria-invalid="true"]').forEach(function (field) {
        ids.forEach(function (id) { describedBy(field, id); });
      });
    });
  }

  function firstError() {
    // Once per page shown: DOMContentLoaded and Turbo's events may follow each other, and by
    // the second the person may have moved on.
    if (document.body.dataset.govErrorsSeen) return;
    document.body.dataset.govErrorsSeen = "1";
    viewflowFormErrors();
    fieldsetErrors();
    var main = document.getElementById("gov-main") || document.body;
    var field = main.querySelector('[aria-invalid="true"]');
    if (!field) {
      // Errors of the whole form (no one field to blame): their message takes the focus.
      field = main.querySelector("form .errorlist.nonfield, form .errorlist.nonform");
      if (field && !field.hasAttribute("tabindex")) field.setAttribute("tabindex", "-1");
    }
    if (field) field.focus();
  }

  function ready() {
    frame();
    firstError();
  }
  if (!window.govA11y) {
    window.govA11y = true;
    document.addEventListener("DOMContentLoaded", ready);
    // Turbo replaces the body on every visit (turbo:load), and shows a form sent back with
    // errors (422) in place (turbo:render only); the components connect again just before.
    // A preview from Turbo's cache (going back) is not a form just sent: the focus stays.
    document.addEventListener("turbo:load", function () { setTimeout(ready); });
    document.addEventListener("turbo:render", function () {
      if (!document.documentElement.hasAttribute("data-turbo-preview")) setTimeout(ready);
    });
  }
})();
