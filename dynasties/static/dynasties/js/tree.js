// A wide family tree centres its founders over all their descendants, so the first screen of its
// scroll region may show only the youngest generations. Scroll each tree to where its oldest
// generation begins (data-start, computed on the server); without JavaScript the tree still
// scrolls by hand and its list is below it. Run once the page has loaded: in the admin the
// panels are laid out by Wagtail's own scripts first.
window.addEventListener("load", () => {
  document.querySelectorAll(".family-tree__scroller[data-start]").forEach((scroller) => {
    const svg = scroller.querySelector("svg");
    const natural = svg ? Number(svg.getAttribute("width")) : 0;
    const shown = svg ? svg.getBoundingClientRect().width : 0;
    // The drawing may be scaled (print, zoom); data-start is in its natural pixels.
    const scale = natural && shown ? shown / natural : 1;
    scroller.scrollLeft = Number(scroller.dataset.start) * scale;
  });
});
