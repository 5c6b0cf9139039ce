// Filtres de la carte et de la liste : repliés sous un résumé (details/summary) pour que la
// carte reste dans le premier écran d'un téléphone ; dépliés d'office sur un grand écran.
(function () {
  "use strict";
  var GRAND_ECRAN = "(min-width: 50rem)";

  function deplier() {
    if (!window.matchMedia || !window.matchMedia(GRAND_ECRAN).matches) { return; }
    document.querySelectorAll("[data-filtres-repliables]").forEach(function (details) {
      details.open = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", deplier);
  } else {
    deplier();
  }
})();
