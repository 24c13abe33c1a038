// The running header of a printed page (print.css): the page's title and the time it is printed,
// in the ROC calendar as the site shows dates (115/03/08 14:05). A static file, since the
// Content-Security-Policy allows no inline script; set again after every Turbo visit and just
// before printing.
(function () {
  var TITLE_MAX = 80;
  function cssString(text) {
    // A CSS string: quotes, backslashes and control characters escaped as hex.
    return '"' + text.replace(/[\\"\u0000-\u001f\u007f]/g, function (c) {
      return "\\" + c.charCodeAt(0).toString(16) + " ";
    }) + '"';
  }
  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function mark() {
    var now = new Date();
    var time = (now.getFullYear() - 1911) + "/" + two(now.getMonth() + 1) + "/" + two(now.getDate()) +
      " " + two(now.getHours()) + ":" + two(now.getMinutes());
    var root = document.documentElement.style;
    // At most two lines above the sheet's content: the whole title is the page's heading.
    var title = document.title.trim().replace(/\s+/g, " ");
    if (title.length > TITLE_MAX) title = title.slice(0, TITLE_MAX - 1) + "\u2026";
    root.setProperty("--gov-print-title", cssString(title));
    root.setProperty("--gov-print-time", cssString(time));
  }
  if (!window.govPrintHeader) {
    window.govPrintHeader = true;
    document.addEventListener("turbo:load", mark);
    document.addEventListener("DOMContentLoaded", mark);
    window.addEventListener("beforeprint", mark);
  }
  mark();
})();
