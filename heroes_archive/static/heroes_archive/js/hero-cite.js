// «Как цитировать эту запись»: a button that copies the citation. Without JavaScript the button
// stays hidden and the citation is a read-only text field to select and copy by hand; with it,
// the button copies through the Clipboard API (or the older selection command where that API
// is missing or refused) and says so in the live region.
(function () {
  "use strict";
  var button = document.querySelector(".hero__copy[data-copy]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.querySelector(".hero__copy-status");
  if (!field) {
    return;
  }
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  function bySelection() {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var copied = button.getAttribute("data-copied");
    var failed = button.getAttribute("data-failed");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () {
          say(copied);
        },
        function () {
          say(bySelection() ? copied : failed);
        }
      );
    } else {
      say(bySelection() ? copied : failed);
    }
  });
})();
