// The form editor's preview: the server renders the typed JSON with the task page's own fields
// (debounced), and lists what would refuse saving it. A broken text keeps the last good preview.
(function () {
  var editor = document.querySelector("[data-form-preview-url]");
  if (!editor) { return; }
  var preview = document.getElementById("form-preview");
  var problems = document.getElementById("form-problems");
  var timer = null;

  function show(body) {
    var found = body.problems || [];
    problems.textContent = "";
    found.forEach(function (problem) {
      var line = document.createElement("p");
      line.className = "flash error";
      line.textContent = problem;
      problems.appendChild(line);
    });
    if (!found.length) { preview.innerHTML = body.html; }  // rendered and escaped by the server's template
    preview.dataset.state = found.length ? "stale" : "current";
  }

  function refresh() {
    fetch(editor.dataset.formPreviewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": editor.dataset.csrf },
      body: JSON.stringify({ schema: editor.value })
    }).then(function (response) { return response.json(); }).then(show);
  }

  editor.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
