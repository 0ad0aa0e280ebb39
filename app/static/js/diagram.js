// Draws a BPMN diagram with bpmn-js: read-only with markers, or the modeler with a deploy button.
(function () {
  "use strict";

  function xmlOf(el) {
    return document.getElementById(el.dataset.xmlSource).textContent;
  }

  function markNodes(viewer, markers) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    (markers.completed || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "node-completed"); });
    (markers.active || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "node-active"); });
  }

  function showViewer(el) {
    var viewer = new BpmnJS({ container: el });
    viewer.importXML(xmlOf(el)).then(function () {
      viewer.get("canvas").zoom("fit-viewport");
      if (el.dataset.markers) { markNodes(viewer, JSON.parse(el.dataset.markers)); }
      el.dataset.rendered = "true";
    }).catch(function (err) { el.textContent = "diagram error: " + err.message; });
  }

  function showModeler(el) {
    var modeler = new BpmnJS({ container: el, keyboard: { bindTo: document } });
    var status = document.getElementById("deploy-status");
    modeler.importXML(xmlOf(el)).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      el.dataset.rendered = "true";
    });
    document.getElementById("deploy-button").addEventListener("click", function () {
      modeler.saveXML({ format: true }).then(function (result) {
        var files = {};
        files[el.dataset.filename] = result.xml;
        return fetch(el.dataset.deployUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrf },
          body: JSON.stringify({ files: files })
        });
      }).then(function (response) { return response.json(); }).then(function (body) {
        // The page's own words (data-said-*), in the user's language; the problems name file and element.
        if (body.error) {
          var problems = (body.error.details || {}).problems || [];
          status.className = "flash error";
          status.textContent = problems.length ? el.dataset.saidRefused + " " + problems.join(" | ") : body.error.message;
        } else if (body.deployed.length) {
          status.className = "flash ok";
          status.textContent = el.dataset.saidDeployed + " " + body.deployed.map(function (d) { return d.key + " v" + d.version; }).join(", ");
        } else {
          status.className = "flash ok";
          status.textContent = el.dataset.saidUnchanged;
        }
      });
    });
  }

  document.querySelectorAll("[data-bpmn-viewer]").forEach(showViewer);
  document.querySelectorAll("[data-bpmn-modeler]").forEach(showModeler);
})();
