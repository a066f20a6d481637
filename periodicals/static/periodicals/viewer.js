/* The issue reader: turns #reader-viewer into OpenSeadragon over the page's IIIF level-0 tiles,
   outlines the search hits (#reader-hits: [[x, y, w, h], …] in pixels of the page) and lets the
   reader select a rectangle for a clip, which fills the clip form. Without this script the page
   shows the still image with the hits outlined, the text, and the form. */
(function () {
    "use strict";
    var element = document.getElementById("reader-viewer");
    if (!element || typeof window.OpenSeadragon !== "function") {
        return;
    }
    var hitsData = document.getElementById("reader-hits");
    var hits = hitsData ? JSON.parse(hitsData.textContent) : [];
    var still = element.querySelector(".reader__still");
    var form = document.querySelector(".reader__clip-form");

    // The viewer's own height before OpenSeadragon measures it (its home view fits the page).
    element.classList.add("reader__viewer--live");
    if (still) {
        still.hidden = true;
    }
    var canvas = document.createElement("div");
    canvas.className = "reader__osd";
    canvas.id = "reader-osd";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", element.dataset.zoomLabel || "");
    element.appendChild(canvas);

    var viewer = window.OpenSeadragon({
        id: "reader-osd",
        prefixUrl: element.dataset.images,
        tileSources: element.dataset.info,
        showNavigator: false,
        showRotationControl: false,
        showFullPageControl: true,
        visibilityRatio: 0.5,
        gestureSettingsMouse: { clickToZoom: false },
        crossOriginPolicy: false
    });

    function addHits() {
        var item = viewer.world.getItemAt(0);
        hits.forEach(function (box) {
            var outline = document.createElement("div");
            outline.className = "reader__hit reader__hit--live";
            viewer.addOverlay({
                element: outline,
                location: item.imageToViewportRectangle(box[0], box[1], box[2], box[3])
            });
        });
    }

    viewer.addHandler("open", addHits);
    // The page's image is open: its coordinates exist, so a selection can be drawn (and tests
    // know when to draw one).
    viewer.addHandler("open", function () {
        element.classList.add("reader__viewer--open");
    });
    viewer.addHandler("open-failed", function () {
        // Back to the still image and its outlines.
        viewer.destroy();
        canvas.remove();
        element.classList.remove("reader__viewer--live");
        if (still) {
            still.hidden = false;
        }
    });

    // Selecting a region for a clip: a button switches dragging from panning to drawing.
    if (!form) {
        return;
    }
    var selecting = false;
    var start = null;
    var box = document.createElement("div");
    box.className = "reader__selection";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small reader__select";
    button.textContent = element.dataset.selectLabel;
    button.setAttribute("aria-pressed", "false");
    element.parentNode.insertBefore(button, element);

    button.addEventListener("click", function () {
        selecting = !selecting;
        button.setAttribute("aria-pressed", selecting ? "true" : "false");
        button.textContent = selecting ? element.dataset.selectCancel : element.dataset.selectLabel;
        element.classList.toggle("reader__viewer--selecting", selecting);
    });

    function imagePoint(position) {
        var item = viewer.world.getItemAt(0);
        var point = item.viewerElementToImageCoordinates(position);
        var width = Number(element.dataset.width);
        var height = Number(element.dataset.height);
        return {
            x: Math.max(0, Math.min(width, Math.round(point.x))),
            y: Math.max(0, Math.min(height, Math.round(point.y)))
        };
    }

    function region(a, b) {
        return {
            x: Math.min(a.x, b.x),
            y: Math.min(a.y, b.y),
            w: Math.abs(a.x - b.x),
            h: Math.abs(a.y - b.y)
        };
    }

    function show(r) {
        var item = viewer.world.getItemAt(0);
        var rect = item.imageToViewportRectangle(r.x, r.y, Math.max(1, r.w), Math.max(1, r.h));
        if (box.parentNode) {
            viewer.updateOverlay(box, rect);
        } else {
            viewer.addOverlay({ element: box, location: rect });
        }
    }

    viewer.addHandler("canvas-press", function (event) {
        if (selecting) {
            start = imagePoint(event.position);
        }
    });
    viewer.addHandler("canvas-drag", function (event) {
        if (selecting && start) {
            event.preventDefaultAction = true;
            show(region(start, imagePoint(event.position)));
        }
    });
    viewer.addHandler("canvas-release", function (event) {
        if (!selecting || !start) {
            return;
        }
        var r = region(start, imagePoint(event.position));
        start = null;
        if (r.w < 1 || r.h < 1) {
            return;
        }
        show(r);
        form.elements.x.value = r.x;
        form.elements.y.value = r.y;
        form.elements.w.value = r.w;
        form.elements.h.value = r.h;
        form.querySelector("button[type=submit]").focus();
    });
})();
