// The script editor: the validator's messages while HR types (the page works without this).
(function () {
  "use strict";
  var text = document.getElementById("text");
  var list = document.getElementById("problems");
  if (!text || !list) { return; }
  var form = text.form;
  var timer = null;
  function show(lines) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    lines.forEach(function (line) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = line;  // text, never markup
      item.appendChild(code);
      list.appendChild(item);
    });
  }
  function check() {
    var body = new URLSearchParams();
    body.set("csrf", form.elements.csrf.value);
    body.set("text", text.value);
    fetch(text.getAttribute("data-check"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (t) { if (t) { show(t.split("\n")); } });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 500);
  });
}());
