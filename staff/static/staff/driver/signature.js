/* The signature pad of the driver's stop page: the person draws with a finger (or a mouse) on the canvas; the
   drawing goes into the form as a PNG data URL (hidden input "signature") each time a stroke ends. Without
   JavaScript the pad stays hidden and the name + photo still work. No library, no inline script (CSP). */
(function () {
  "use strict";
  function setUp(box) {
    var canvas = box.querySelector("[data-signature-pad]");
    var input = box.querySelector("[data-signature-value]");
    var clear = box.querySelector("[data-signature-clear]");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;

    function paper() {
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1b2a1b";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (canvas.width / rect.width),
        y: (event.clientY - rect.top) * (canvas.height / rect.height)
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1);
      context.stroke();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn) { input.value = canvas.toDataURL("image/png"); }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clear.addEventListener("click", function () {
      paper();
      drawn = false;
      input.value = "";
    });
    paper();
    box.hidden = false;
  }
  document.querySelectorAll("[data-signature]").forEach(setUp);
})();
