// The evidence batch page: poll the progress until the batch is finished, then reload to
// offer the ZIP. A static file, since the Content-Security-Policy allows no inline script.
(function () {
  function watch() {
    var box = document.getElementById("batch");
    if (!box || box.dataset.finished === "1" || box.dataset.watching) return;
    box.dataset.watching = "1";
    var timer = setInterval(function () {
      if (!document.body.contains(box)) { clearInterval(timer); return; }
      fetch(box.dataset.progressUrl, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (p) {
          document.getElementById("batch-progress").value = p.done;
          document.getElementById("batch-count").textContent = p.done + " / " + p.total;
          if (p.finished) { clearInterval(timer); window.location.reload(); }
        })
        .catch(function () {});
    }, 2000);
  }
  document.addEventListener("turbo:load", watch);
  document.addEventListener("DOMContentLoaded", watch);
  watch();
})();
