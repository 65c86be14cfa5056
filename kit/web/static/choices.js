// The form's choices, remembered in this browser (localStorage): products, paper, printer
// options and pack, never typed text. A first visit, and choosing another pack, ticks what
// the chosen pack can make.
(function () {
  "use strict";
  var form = document.getElementById("kit-form");
  if (!form) return;
  var KEY = "findings-kit:choices";
  var pack = form.elements.namedItem("pack");
  var link = document.getElementById("pack-xlsx");

  function remembered(el) {
    return el.name && (el.type === "checkbox" || el.type === "radio" || el.tagName === "SELECT");
  }

  function tickFor(packId) {
    var option = pack && Array.prototype.find.call(pack.options, function (o) { return o.value === packId; });
    if (!option || option.dataset.makes === undefined) return;
    var makes = option.dataset.makes.split(" ");
    form.querySelectorAll('input[name="products"]').forEach(function (box) {
      box.checked = makes.indexOf(box.value) >= 0;
    });
  }

  function save() {
    var saved = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!remembered(el)) return;
      if (el.tagName === "SELECT") { saved[el.name] = el.value; return; }
      saved[el.name] = saved[el.name] || [];
      if (el.checked) saved[el.name].push(el.value);
    });
    try { localStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* storage off: nothing kept */ }
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { saved = null; }
    if (!saved || typeof saved !== "object") return false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!remembered(el) || !Object.prototype.hasOwnProperty.call(saved, el.name)) return;
      var value = saved[el.name];
      if (el.tagName === "SELECT") {
        var known = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
        if (known) el.value = value;  // a pack or choice that is gone keeps the page's default
      } else if (Array.isArray(value)) {
        el.checked = value.indexOf(el.value) >= 0;
      }
    });
    return true;
  }

  function followPack() {
    if (link && pack) {
      link.href = link.href.replace(/\/packs\/[^\/?]*\.xlsx/, "/packs/" + encodeURIComponent(pack.value) + ".xlsx");
    }
  }

  if (!restore() && pack) tickFor(pack.value);
  followPack();
  if (pack) {
    // another pack: tick what it can make (the change is then saved as the last choice)
    var shown = pack.value;
    pack.addEventListener("change", function () {
      if (pack.value !== shown) tickFor(pack.value);
      shown = pack.value;
      followPack();
    });
  }
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
