// The participant's entry page while the files are being checked: ask the server for the
// entry's state every few seconds (less often as time goes on) and show it in the live region,
// with the reason when it needs attention. Without JavaScript the page says the same on reload,
// and an e-mail follows either way.
(function () {
  "use strict";
  var status = document.querySelector(".entry-status[data-state-url]");
  if (!status || !window.fetch) {
    return;
  }
  var delay = 2000;
  function poll() {
    fetch(status.getAttribute("data-state-url"), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.status !== status.getAttribute("data-status")) {
          status.setAttribute("data-status", state.status);
          // Written as the page writes it: «Готова к оценке», capitalised.
          status.textContent = state.label.charAt(0).toUpperCase() + state.label.slice(1);
          var reason = document.querySelector(".entry-status-reason");
          if (reason) {
            reason.textContent = state.reason;
          }
          if (!state.pending) {
            var hint = document.querySelector(".entry-status-hint");
            if (hint) {
              hint.hidden = true;
            }
            return;
          }
        }
        delay = Math.min(delay * 1.5, 30000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 30000);
      });
  }
  window.setTimeout(poll, delay);
})();
