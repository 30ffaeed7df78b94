/* While an assessment is pending, ask for its status every few seconds and reload the page
   once the analysis is over. Without JavaScript a <noscript> meta refresh does the same. */
(function () {
  "use strict";

  var node = document.getElementById("assessment");
  if (!node || !node.dataset.pollUrl) {
    return;
  }
  var url = node.dataset.pollUrl;
  var delay = (parseInt(node.dataset.pollSeconds, 10) || 2) * 1000;
  // After ten minutes something is wrong on our side; stop polling, the server-side
  // sweep turns a lost analysis into a message and a manual reload shows it.
  var deadline = Date.now() + 10 * 60 * 1000;

  function poll() {
    if (Date.now() > deadline) {
      return;
    }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (body.pending) {
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        // A network blip: try again, a little later.
        window.setTimeout(poll, delay * 2);
      });
  }

  window.setTimeout(poll, delay);
})();
