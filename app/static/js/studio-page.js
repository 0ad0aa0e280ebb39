// The modeler page: the studio bundle (canvas and properties panel) and the deploy button.
(function () {
  "use strict";

  function statusOf(el, body) {
    // The page's own words (data-said-*), in the user's language; the problems name file and element.
    if (body.error) {
      var problems = (body.error.details || {}).problems || [];
      return ["flash error", problems.length ? el.dataset.saidRefused + " " + problems.join(" | ") : body.error.message];
    }
    if (body.deployed.length) {
      return ["flash ok", el.dataset.saidDeployed + " " + body.deployed.map(function (d) { return d.key + " v" + d.version; }).join(", ")];
    }
    return ["flash ok", el.dataset.saidUnchanged];
  }

  function deploy(el, modeler) {
    var status = document.getElementById("deploy-status");
    modeler.saveXML({ format: true }).then(function (result) {
      var files = {};
      files[el.dataset.filename] = result.xml;
      return fetch(el.dataset.deployUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrf },
        body: JSON.stringify({ files: files })
      });
    }).then(function (response) { return response.json(); }).then(function (body) {
      var said = statusOf(el, body);
      status.className = said[0];
      status.textContent = said[1];
    });
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
