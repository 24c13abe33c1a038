// The score form's weighted total as the member types: Σ(score × weight) ÷ Σ weight, two
// decimals, as the server computes it (proposals.services.weighted_total). Without this script
// the 試算 button asks the server for the same figure.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  var output = document.getElementById("score-total");
  if (!form || !output) return;
  var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-weight]"));

  function total() {
    var sum = 0;
    var weights = 0;
    for (var i = 0; i < fields.length; i++) {
      var text = fields[i].value.trim();
      if (!/^\d+$/.test(text)) return null;
      var value = Number(text);
      if (value > 100) return null;
      var weight = Number(fields[i].getAttribute("data-weight"));
      sum += value * weight;
      weights += weight;
    }
    if (!weights) return null;
    // Half up at two decimals, in integers (as Decimal's ROUND_HALF_UP): no binary fraction error.
    var hundredths = Math.floor((sum * 100 * 2 + weights) / (2 * weights));
    return (hundredths / 100).toFixed(2);
  }

  function show() {
    var figure = total();
    output.textContent = figure === null ? "—" : figure;
  }

  form.addEventListener("input", show);
  show();
})();
