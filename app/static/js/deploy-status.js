// Posting files to /processes/deploy from an editor page (modeler, decision tables) and saying the outcome.
// The element carries the URL, CSRF token, file name and the page's own words (data-said-*), in the user's language.
(function () {
  "use strict";

  function statusOf(el, body) {
    // The problems name file and element.
    if (body.error) {
      var problems = (body.error.details || {}).problems || [];
      return ["flash error", problems.length ? el.dataset.saidRefused + " " + problems.join(" | ") : body.error.message];
    }
    if (body.deployed.length) {
      return ["flash ok", el.dataset.saidDeployed + " " + body.deployed.map(function (d) { return d.key + " v" + d.version; }).join(", ")];
    }
    return ["flash ok", el.dataset.saidUnchanged];
  }

  // xmlPromise: a promise of the file's text; the outcome is written into #deploy-status.
  function deploy(el, xmlPromise) {
    var status = document.getElementById("deploy-status");
    return xmlPromise.then(function (xml) {
      var files = {};
      files[el.dataset.filename] = xml;
      return fetch(el.dataset.deployUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrf },
        body: JSON.stringify({ files: files })
      });
    }).then(function (response) { return response.json(); }).then(function (body) {
      var said = statusOf(el, body);
      status.className = said[0];
      status.textContent = said[1];
    }).catch(function (err) {
      status.className = "flash error";
      status.textContent = err.message;
    });
  }

  window.DeployFiles = { deploy: deploy };
})();
