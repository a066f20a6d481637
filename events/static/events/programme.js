/* The programme grid: a day's table that does not fit across the screen says so above it («The
   table scrolls horizontally») and its scrolling region is described by that line; a table that
   fits says nothing. The server's guess (more rooms than fit on a desktop) holds without
   JavaScript; this corrects it for the screen and text size at hand, and again on resize. */
(function () {
  "use strict";

  function announce(region) {
    var hint = document.getElementById(region.getAttribute("data-scroll-hint"));
    if (!hint) {
      return;
    }
    var scrolls = region.scrollWidth > region.clientWidth + 1;
    hint.hidden = !scrolls;
    if (scrolls) {
      region.setAttribute("aria-describedby", hint.id);
    } else {
      region.removeAttribute("aria-describedby");
    }
  }

  function announceAll() {
    document.querySelectorAll(".programme-wrap[data-scroll-hint]").forEach(announce);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(announceAll, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", announceAll);
  } else {
    announceAll();
  }
})();
