// The audit registration page: "增加一項" adds a blank finding to the form in place, so what
// was typed stays (without script, the page's link reloads it with more rows, empty).
// A static file, since the Content-Security-Policy allows no inline script.
(function () {
  function setUp() {
    var button = document.getElementById("add-finding");
    if (!button || button.dataset.ready) return;
    button.dataset.ready = "1";
    var total = document.getElementById("id_findings-TOTAL_FORMS");
    var most = parseInt(document.getElementById("id_findings-MAX_NUM_FORMS").value, 10);
    var template = document.getElementById("finding-template");
    var list = document.getElementById("findings");
    document.getElementById("more-rows-link").hidden = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= most) return;
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = list.lastElementChild.querySelector("select, textarea, input");
      if (first) first.focus();
      button.disabled = index + 1 >= most;
    });
  }
  document.addEventListener("turbo:load", setUp);
  document.addEventListener("DOMContentLoaded", setUp);
  setUp();
})();
