// The modeler page: the studio bundle (canvas and properties panel) and the deploy button.
(function () {
  "use strict";

  function deploy(el, modeler) {
    DeployFiles.deploy(el, modeler.saveXML({ format: true }).then(function (result) { return result.xml; }));
  }

  function showStudio(el) {
    var words = JSON.parse(document.getElementById("studio-words").textContent);
    fetch(el.dataset.choicesUrl, { credentials: "same-origin" }).then(function (response) {
      return response.json();
    }).then(function (choices) {
      var modeler = Studio.create({
        container: el.querySelector(".studio-canvas"), panel: el.querySelector(".studio-panel"),
        studio: { words: words, choices: choices, formUrl: el.dataset.formUrl }
      });
      document.getElementById("deploy-button").addEventListener("click", function () { deploy(el, modeler); });
      return modeler.importXML(document.getElementById(el.dataset.xmlSource).textContent).then(function () {
        modeler.get("canvas").zoom("fit-viewport");
        el.dataset.rendered = "true";
      });
    }).catch(function (err) { el.textContent = "studio error: " + err.message; });
  }

  document.querySelectorAll("[data-studio]").forEach(showStudio);
})();
