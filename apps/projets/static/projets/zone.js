// Carte de la zone d'un projet (Leaflet, sans fond de carte : contours du référentiel).
// Un clic place le point de rendez-vous dans les champs latitude / longitude du formulaire.
// Aucun style ni script en ligne : compatible avec la politique de sécurité du contenu.
(function () {
  "use strict";
  var STYLE_ZONE = { color: "#0b4f9c", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.08 };
  var STYLE_RDV = { radius: 9, color: "#083a73", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.9 };
  var STYLE_STRUCTURE = { radius: 7, color: "#8a4b00", weight: 2, fillColor: "#f0a030", fillOpacity: 0.9 };
  var NORMANDIE = [49.2, -0.4];
  var ZOOM_MAX = 15; // sans fond de carte, zoomer plus ne montre rien de plus

  function style(entite) {
    var genre = entite.properties.genre;
    if (genre === "rendez-vous") { return STYLE_RDV; }
    if (genre === "structure") { return STYLE_STRUCTURE; }
    return STYLE_ZONE;
  }

  // Les noms (structures, lieu de rendez-vous) sont saisis par les utilisateurs : Leaflet
  // insère une chaîne comme du HTML, on lui passe un élément rempli par textContent.
  function texte(contenu) {
    var span = document.createElement("span");
    span.textContent = contenu == null ? "" : String(contenu);
    return span;
  }

  function demarrer() {
    var conteneur = document.getElementById("carte-zone");
    if (!conteneur || typeof L === "undefined") { return; }
    var carte = L.map(conteneur, { attributionControl: false, maxZoom: 18 });
    var rdv = null;
    carte.on("zoomend", function () { conteneur.setAttribute("data-zoom", String(carte.getZoom())); });
    fetch(conteneur.getAttribute("data-geojson"), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (donnees) {
        var couche = L.geoJSON(donnees, {
          style: style,
          pointToLayer: function (entite, latlng) {
            var marque = L.circleMarker(latlng, style(entite));
            if (entite.properties.genre === "rendez-vous") { rdv = marque; }
            return marque;
          },
          onEachFeature: function (entite, calque) { calque.bindTooltip(texte(entite.properties.nom)); }
        }).addTo(carte);
        if (rdv) { rdv.bringToFront(); }
        var limites = couche.getBounds();
        // Un seul point (commune sans contour) : des limites de taille nulle, zoom plafonné.
        if (limites.isValid()) {
          carte.fitBounds(limites.pad(0.15), { maxZoom: ZOOM_MAX, animate: false });
        } else {
          carte.setView(NORMANDIE, 9, { animate: false });
        }
        conteneur.setAttribute("data-zoom", String(carte.getZoom()));
      })
      .catch(function () {
        carte.setView(NORMANDIE, 9, { animate: false });
        var avis = document.createElement("p");
        avis.className = "legende";
        avis.setAttribute("role", "status");
        avis.textContent = "La carte de la zone n'a pas pu être chargée ; le formulaire reste utilisable.";
        conteneur.insertAdjacentElement("afterend", avis);
      });
    carte.on("click", function (evt) {
      var lat = document.getElementById("id_latitude");
      var lon = document.getElementById("id_longitude");
      if (!lat || !lon) { return; }
      lat.value = evt.latlng.lat.toFixed(5);
      lon.value = evt.latlng.lng.toFixed(5);
      if (rdv) { rdv.setLatLng(evt.latlng); }
    });
  }
  document.addEventListener("DOMContentLoaded", demarrer);
})();
