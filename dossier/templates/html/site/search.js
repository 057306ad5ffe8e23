/* Search in the browser, with no server and no network: the index is in search-index.js.
   Accent- and case-insensitive; results are built with DOM methods, never with innerHTML. */
(function () {
  "use strict";
  // letters NFKD does not decompose, as in dossier/text.py
  var LETTERS = { "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "ŋ": "n", "þ": "th" };
  function fold(text) {
    // as dossier/text.py's search_key(): the index's keys are folded the same way
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/ß/g, "ss")
      .replace(/œ/g, "oe").replace(/æ/g, "ae")
      .replace(/[øđðłħıŧŋþ]/g, function (c) { return LETTERS[c]; }).replace(/[’‘ʼ']/g, " ");
  }
  var index = window.DOSSIER_INDEX || { root: "", entries: [] };
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  var input = document.getElementById("q");
  if (input && query) { input.value = query; }
  var list = document.getElementById("resultats");
  var summary = document.getElementById("resume");
  if (!list || !summary) { return; }
  var words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) { return; }
  var root = document.documentElement.getAttribute("data-root") || "";
  var found = index.entries.filter(function (entry) {
    return words.every(function (w) { return entry.n.indexOf(w) !== -1; });
  });
  summary.textContent = found.length === 0
    ? "Aucun résultat pour « " + query + " »."
    : found.length + (found.length > 1 ? " résultats" : " résultat") + " pour « " + query + " » :";
  found.slice(0, 200).forEach(function (entry) {
    var item = document.createElement("li");
    var kind = document.createElement("span");
    kind.className = "type";
    kind.textContent = entry.type + " " + entry.id + " (" + entry.bloc + ") : ";
    var link = document.createElement("a");
    link.href = root + entry.url;
    link.textContent = entry.text;
    item.appendChild(kind);
    item.appendChild(link);
    list.appendChild(item);
  });
})();
