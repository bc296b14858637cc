// The explain stepper: shows step k of backprop on the graph drawn above it.
//
// Python wrote everything this script needs into the page: the SVG of the graph (one <g> per
// node, one <path> per edge) and, in a JSON <script>, the list of steps. Each step says
//   caption  - the sentence to show,
//   node     - the id of the node it works on (lit up), if any,
//   edge     - the id of the arrow a gradient travels along (backward steps only),
//   parent   - the node that receives that gradient,
//   formula  - "upstream × local = contribution" with the numbers filled in,
//   set      - the numbers it reveals: [node id, "data" or "grad", text, exact value, complete].
// To show step k we start from a blank graph and apply the sets of steps 0..k in order, so
// moving backwards is as easy as moving forwards. Graphs are small enough for that to be fast.

"use strict";

function setupStepper(section) {
  const data = JSON.parse(section.querySelector(".explain-data").textContent);
  const steps = data.steps;
  const slider = section.querySelector(".slider");
  const caption = section.querySelector(".caption");
  const formula = section.querySelector(".formula");
  const counter = section.querySelector(".counter");
  const svg = section.querySelector("svg");
  let current = 0;

  // Put every box back to "?" and switch every highlight off.
  function clear() {
    svg.querySelectorAll(".v").forEach((v) => {
      v.textContent = "?";
      v.removeAttribute("data-exact");
    });
    svg.querySelectorAll(".on, .known, .complete, .hot, .done").forEach((el) => {
      el.classList.remove("on", "known", "complete", "hot", "done");
    });
  }

  // Reveal one number: the value or the gradient of one node.
  function reveal([id, which, text, exact, complete]) {
    const box = svg.getElementById(id);
    const v = box.querySelector("." + which + " .v");
    v.textContent = text;
    v.setAttribute("data-exact", exact);
    box.classList.add("known");
    if (which === "grad") {
      box.classList.toggle("complete", complete);
    }
  }

  function show(k, scroll = true) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    clear();
    for (let i = 0; i <= current; i++) {
      steps[i].set.forEach(reveal);
      if (i < current && steps[i].edge) {
        svg.getElementById(steps[i].edge).classList.add("done"); // gradient already carried
      }
    }
    const step = steps[current];
    if (step.node) {
      const box = svg.getElementById(step.node);
      box.classList.add("on");
      // Keep the node at work in view when the graph is bigger than its frame.
      if (scroll) box.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (step.parent) svg.getElementById(step.parent).classList.add("on");
    if (step.edge) svg.getElementById(step.edge).classList.add("hot");
    caption.textContent = step.caption;
    formula.textContent = step.formula || "";
    slider.value = current;
    counter.textContent = data.ui.counter
      .replace("{k}", current + 1)
      .replace("{n}", steps.length);
    section.dataset.step = current; // lets tests (and readers of the DOM) see where we are
  }

  section.querySelector(".first").addEventListener("click", () => show(0));
  section.querySelector(".prev").addEventListener("click", () => show(current - 1));
  section.querySelector(".next").addEventListener("click", () => show(current + 1));
  section.querySelector(".last").addEventListener("click", () => show(steps.length - 1));
  slider.addEventListener("input", () => show(Number(slider.value)));
  show(0, false);
  return { show: show, at: () => current, count: steps.length };
}

// Arrow keys move the first stepper on the page, unless a slider or a text field has the
// focus (a focused slider already moves with the arrow keys by itself).
const steppers = Array.from(document.querySelectorAll("section.explain")).map(setupStepper);
document.addEventListener("keydown", (event) => {
  const tag = event.target.tagName;
  if (!steppers.length || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
  const s = steppers[0];
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (event.key in moves) s.show(s.at() + moves[event.key]);
  else if (event.key === "Home") s.show(0);
  else if (event.key === "End") s.show(s.count - 1);
  else return;
  event.preventDefault();
});
