// Comportements communs, sans script inline (politique de sécurité du contenu stricte).
(function () {
  "use strict";
  // Jeton CSRF pour toutes les requêtes htmx (lu dans le cookie ou le formulaire).
  document.addEventListener("htmx:configRequest", function (evt) {
    var champ = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (champ) { evt.detail.headers["X-CSRFToken"] = champ.value; }
  });
  // Les boutons « confirmer » demandent confirmation (data-confirmer="message").
  document.addEventListener("submit", function (evt) {
    var bouton = evt.submitter;
    var message = bouton && bouton.getAttribute("data-confirmer");
    if (message && !window.confirm(message)) { evt.preventDefault(); }
  });
  // Après un envoi refusé, le focus va au résumé des erreurs (lecteurs d'écran, clavier).
  document.addEventListener("DOMContentLoaded", function () {
    var erreurs = document.querySelector(".erreurs[role=alert]");
    if (erreurs) { erreurs.focus(); }
  });
})();

// Suggestions de communes : remplit le datalist au fil de la frappe (sans bibliothèque).
(function () {
  "use strict";
  var minuteur = null;
  // Le fragment est lu dans un document inerte ; seules les valeurs des options sont reprises,
  // posées comme du texte (jamais de HTML inséré tel quel dans la page).
  function remplacerOptions(liste, html) {
    var fragment = new DOMParser().parseFromString(html, "text/html");
    var options = [];
    fragment.querySelectorAll("option").forEach(function (source) {
      var option = document.createElement("option");
      option.value = source.value;
      options.push(option);
    });
    liste.replaceChildren.apply(liste, options);
  }
  document.addEventListener("input", function (evt) {
    var champ = evt.target;
    if (!champ.matches || !champ.matches("input[data-suggestions=communes]")) { return; }
    var liste = document.getElementById("communes-suggestions");
    if (!liste || champ.value.length < 2) { return; }
    window.clearTimeout(minuteur);
    minuteur = window.setTimeout(function () {
      fetch(liste.getAttribute("data-url") + "?q=" + encodeURIComponent(champ.value),
            { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { remplacerOptions(liste, html); });
    }, 200);
  });
})();
