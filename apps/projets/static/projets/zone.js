// Carte de la zone d'un projet (Leaflet, sans fond de carte : contours du référentiel).
// Un clic place le point de rendez-vous dans les champs latitude / longitude du formulaire.
(function () {
  "use strict";
  function demarrer() {
    var conteneur = document.getElementById("carte-zone");
    if (!conteneur || typeof L === "undefined") { return; }
    var carte = L.map(conteneur, { attributionControl: false });
    var rdv = null;
    fetch(conteneur.getAttribute("data-geojson"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (donnees) {
        var couche = L.geoJSON(donnees, {
          style: function () { return { color: "#0b4f9c", weight: 2, fillOpacity: 0.08 }; },
          pointToLayer: function (entite, latlng) {
            var estRdv = entite.properties.genre === "rendez-vous";
            var marque = L.circleMarker(latlng, {
              radius: estRdv ? 9 : 7, color: estRdv ? "#083a73" : "#8a4b00",
              fillColor: estRdv ? "#0b4f9c" : "#f0a030", fillOpacity: 0.9, weight: 2
            });
            if (estRdv) { rdv = marque; }
            return marque;
          },
          onEachFeature: function (entite, calque) { calque.bindTooltip(entite.properties.nom); }
        }).addTo(carte);
        var limites = couche.getBounds();
        if (limites.isValid()) { carte.fitBounds(limites.pad(0.15)); } else { carte.setView([49.2, -0.4], 9); }
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
