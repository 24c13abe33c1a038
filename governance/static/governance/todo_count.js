// The menu's to-do count: fetched after the page is shown, so no page pays for counting every
// source; a static file, since the Content-Security-Policy allows no inline script.
(function () {
  function refresh() {
    var badge = document.getElementById("gov-todo-count");
    if (!badge || badge.dataset.loading) return;
    badge.dataset.loading = "1";
    fetch(badge.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        delete badge.dataset.loading;
        if (!data) return;
        badge.textContent = data.text;
        badge.setAttribute("aria-label", data.label);
        badge.hidden = data.count === 0;
      })
      .catch(function () { delete badge.dataset.loading; });
  }
  if (!window.govTodoCount) {
    window.govTodoCount = true;
    document.addEventListener("turbo:load", refresh);
    document.addEventListener("DOMContentLoaded", refresh);
  }
  refresh();
})();
