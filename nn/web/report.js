// The training report: loss and accuracy curves, and the decision boundary at any epoch.
//
// Python stored, per epoch, the model's prediction at every point of a grid over the data:
// one byte per point for the predicted class, then one byte per point for how sure the model
// is (0 to 255), base64-encoded. This script decodes one epoch and paints it on a canvas,
// paler where the model is less sure, with the training points on top.

"use strict";

(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const COLORS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189]];
  const epochSlider = document.querySelector("input.epoch");
  const playButton = document.querySelector("button.play");
  const readout = document.querySelector(".readout");
  const boundary = document.querySelector("canvas.boundary");
  const curves = document.querySelector("canvas.curves");
  let epoch = data.epochs.length - 1;
  let timer = null;

  // Base64 text to an array of bytes.
  function decode(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  // Grid coordinates (x[0], x[1]) to canvas pixels; the grid's first row is its top.
  function toPixel(x, y) {
    const [x0, x1, y0, y1] = data.box;
    return [((x - x0) / (x1 - x0)) * boundary.width, ((y1 - y) / (y1 - y0)) * boundary.height];
  }

  function drawBoundary() {
    const ctx = boundary.getContext("2d");
    const n = data.resolution;
    const bytes = decode(data.frames[epoch]);
    const cell = boundary.width / (n - 1); // grid points sit on cell centres, edges overhang
    for (let i = 0; i < n * n; i++) {
      const [r, g, b] = COLORS[bytes[i] % COLORS.length];
      const sure = 0.15 + 0.45 * (bytes[n * n + i] / 255); // opacity: paler is less sure
      ctx.fillStyle = `rgb(${mix(r, sure)}, ${mix(g, sure)}, ${mix(b, sure)})`;
      const row = Math.floor(i / n);
      const col = i % n;
      ctx.fillRect((col - 0.5) * cell, (row - 0.5) * cell, cell + 1, cell + 1);
    }
    for (const [x, y, c] of data.points) {
      const [px, py] = toPixel(x, y);
      ctx.beginPath();
      ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${COLORS[c % COLORS.length].join(",")})`;
      ctx.fill();
      ctx.strokeStyle = "#222";
      ctx.stroke();
    }
  }

  // A colour channel blended with white: opacity a of the colour over a white page.
  function mix(channel, a) {
    return Math.round(255 - a * (255 - channel));
  }

  // Loss (left axis, from 0) and accuracy (right axis, 0 to 100%), with the chosen epoch.
  function drawCurves() {
    const ctx = curves.getContext("2d");
    const w = curves.width;
    const h = curves.height;
    const pad = 36;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#999";
    ctx.strokeRect(pad, 10, w - 2 * pad, h - pad - 10);
    const n = data.loss.length;
    if (n === 0) return;
    const losses = data.loss.map((p) => Number(p[1]));
    const top = Math.max(...losses.filter(Number.isFinite), 1e-12);
    const x = (e) => pad + ((e - 1) / Math.max(n - 1, 1)) * (w - 2 * pad); // epoch 1..n
    const y = (f) => h - pad - f * (h - pad - 10); // a fraction 0..1 of the height
    line(ctx, losses.map((v, i) => [x(i + 1), y(v / top)]), "#d04000");
    if (data.accuracy.length) {
      line(ctx, data.accuracy.map((p, i) => [x(i + 1), y(Number(p[1]))]), "#1f77b4");
    }
    ctx.fillStyle = "#333";
    ctx.font = "12px sans-serif";
    ctx.fillText(`${data.ui.loss} (max ${top.toPrecision(3)})`, pad + 6, 24);
    if (data.accuracy.length) ctx.fillText(`${data.ui.accuracy} 0–100%`, w - pad - 110, 24);
    ctx.fillText(`${data.ui.epoch} 1`, pad, h - pad + 16);
    ctx.fillText(`${n}`, w - pad - 10, h - pad + 16);
    if (epoch >= 1) {
      ctx.strokeStyle = "#555";
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x(data.epochs[epoch]), 10);
      ctx.lineTo(x(data.epochs[epoch]), h - pad);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  function line(ctx, points, color) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  // Epoch k of the recording: the boundary, the curves' marker and the numbers under them.
  function show(k) {
    epoch = Math.max(0, Math.min(data.epochs.length - 1, k));
    const e = data.epochs[epoch];
    if (epochSlider) epochSlider.value = epoch;
    if (boundary && data.frames[epoch]) drawBoundary();
    drawCurves();
    if (!readout) return;
    if (e === 0) {
      readout.textContent = data.ui.untrained;
      readout.removeAttribute("data-accuracy");
      return;
    }
    const loss = data.loss[e - 1];
    const acc = data.accuracy[e - 1];
    readout.textContent = data.ui.at
      .replace("{epoch}", e)
      .replace("{loss}", loss[0])
      .replace("{accuracy}", acc ? acc[0] : "");
    readout.dataset.epoch = e;
    if (acc) readout.dataset.accuracy = acc[1]; // the exact number, for tests and readers
  }

  // Play: one epoch every 80 ms from where the slider is (from the start if at the end).
  function play() {
    if (timer !== null) return stop();
    if (epoch >= data.epochs.length - 1) show(0);
    playButton.textContent = data.ui.pause;
    timer = setInterval(() => {
      if (epoch >= data.epochs.length - 1) return stop();
      show(epoch + 1);
    }, 80);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = data.ui.play;
  }

  if (epochSlider) {
    epochSlider.addEventListener("input", () => show(Number(epochSlider.value)));
    playButton.addEventListener("click", play);
    playButton.textContent = data.ui.play;
  }
  show(epoch);
})();
