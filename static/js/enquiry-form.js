// Progressive enhancement for /get-help/: without JavaScript every question shows and
// the server does all of this. With it, questions that do not apply are hidden, and
// the emergency card appears as soon as someone says a person is in danger.
(function () {
  "use strict";
  var form = document.getElementById("enquiry-form");
  if (!form) return;

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }
  function show(element, visible) {
    if (element) element.hidden = !visible;
  }
  function update() {
    show(document.getElementById("someone-else"), checked("for_whom") === "someone_else");
    var method = checked("contact_method");
    show(document.getElementById("div_id_phone"), method !== "email");
    show(document.getElementById("div_id_email"), method === "" || method === "email");
    var danger = checked("danger");
    var inDanger = danger !== "" && danger !== "none";
    show(document.getElementById("crisis-card"), inDanger);
    // The card is on screen before the send: the server need not stop them again.
    var acknowledged = form.querySelector('input[name="crisis_acknowledged"]');
    if (acknowledged) acknowledged.value = inDanger ? "True" : "";
    var submit = form.querySelector('input[type="submit"]');
    if (submit) submit.value = inDanger ? "Send my request anyway" : "Ask for a callback";
  }
  form.addEventListener("change", update);
  update();

  // Send once: a second click while the first send is on its way does nothing.
  form.addEventListener("submit", function () {
    var buttons = form.querySelectorAll('[type="submit"]');
    window.setTimeout(function () {
      buttons.forEach(function (button) { button.disabled = true; });
    }, 0);
  });

  // After a failed send, take keyboard and screen reader users to the summary.
  var summary = document.getElementById("error-summary") || document.getElementById("crisis-first");
  if (summary) summary.focus();
})();
