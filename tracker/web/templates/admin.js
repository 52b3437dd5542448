// The import page's live check: as an admin types a deadline phrase, ask the server what it
// reads as and show the dates under the field. Without JavaScript the «Применить срок» button
// does the same with a reload.
(function () {
  "use strict";
  function show(output, data) {
    output.textContent = "";
    var head = document.createElement("strong");
    head.textContent = data.label + (data.rule ? ": " + data.rule : "");
    output.appendChild(head);
    if (data.error) {
      output.appendChild(document.createTextNode(" — " + data.error));
    }
    if (data.dates && data.dates.length) {
      var more = data.more ? " и ещё " + data.more : "";
      output.appendChild(document.createTextNode(" — " + data.dates.join("; ") + more));
    }
    if (data.warnings && data.warnings.length) {
      output.appendChild(document.createTextNode(" (" + data.warnings.join("; ") + ")"));
    }
    output.className = "check " + (data.kind === "error" ? "bad" : "good");
  }
  document.querySelectorAll("input[data-phrase-url]").forEach(function (input) {
    var output = document.getElementById(input.getAttribute("data-output"));
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ask = ++asked;
        var url = input.getAttribute("data-phrase-url") + "?text=" + encodeURIComponent(input.value);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) { if (ask === asked) { show(output, data); } })
          .catch(function () { output.textContent = "Не удалось проверить срок."; });
      }, 200);
    });
  });
})();
