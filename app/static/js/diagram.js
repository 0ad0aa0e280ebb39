// Draws a BPMN diagram with bpmn-js, read-only, with markers (the modeler is js/studio-page.js).
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

  document.querySelectorAll("[data-bpmn-viewer]").forEach(showViewer);
})();
