// A decision that sends a case back asks first: options carrying data-confirm are confirmed on submit.
document.querySelectorAll("form.taskform").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var asking = Array.prototype.filter.call(form.querySelectorAll("select"), function (select) {
      var chosen = select.options[select.selectedIndex];
      return chosen && chosen.dataset.confirm;
    });
    if (asking.length && !window.confirm(asking[0].options[asking[0].selectedIndex].dataset.confirm)) {
      event.preventDefault();
    }
  });
});
