// The decision table page: dmn-js's table editor (the decisions bundle) and the deploy button.
(function () {
  "use strict";

  function showDecisions(el) {
    var words = JSON.parse(document.getElementById("decisions-words").textContent);
    var editor = Decisions.create({ container: el, words: words });
    document.getElementById("deploy-button").addEventListener("click", function () {
      DeployFiles.deploy(el, editor.saveXML({ format: true }).then(function (result) { return result.xml; }));
    });
    editor.importXML(document.getElementById(el.dataset.xmlSource).textContent).then(function () {
      el.dataset.rendered = "true";
    }).catch(function (err) { el.textContent = "decisions error: " + err.message; });
  }

  document.querySelectorAll("[data-decisions]").forEach(showDecisions);
})();
