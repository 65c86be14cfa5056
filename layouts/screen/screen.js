// The screen version's behaviour (kit/products/screen.py inlines this file
// as a module). Pack text is already in the page as escaped HTML; this code
// moves elements and sets textContent, never HTML. Words come from the
// labels in the JSON data block.
const data = JSON.parse(document.getElementById("screen-data").textContent);
const rtl = document.documentElement.dir === "rtl";
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

function say(key, values = {}) {
  return data.labels[key].replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

const store = {
  get(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
  },
  set(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode: the page works, unsaved */ }
  },
  remove(key) {
    try { localStorage.removeItem(key); } catch { /* nothing was saved */ }
  },
};

// ---- screens: by number (start screen, nav, digit keys) and by arrow keys
const screens = $$(".screen");
let current = 0;

function screenOf(name) {
  return screens.find((s) => s.classList.contains(name));
}

function go(number) {
  const target = screens.find((s) => Number(s.dataset.screen) === number);
  if (!target) return;
  current = number;
  for (const s of screens) s.hidden = s !== target;
  for (const link of $$("[data-go]")) {
    if (Number(link.dataset.go) === number) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (location.hash !== `#${number}`) history.replaceState(null, "", `#${number}`);
  const heading = $("h1, h2", target);
  if (heading && !target.contains(document.activeElement)) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
  if (target === dialogue) fit(cards[shown]);
}

function step(delta) {
  const numbers = screens.map((s) => Number(s.dataset.screen));
  const next = numbers.indexOf(current) + delta;
  if (next >= 0 && next < numbers.length) go(numbers[next]);
}

for (const link of $$("[data-go]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    go(Number(link.dataset.go));
  });
}
window.addEventListener("hashchange", () => go(Number(location.hash.slice(1)) || 0));

// ---- dialogue cards: one at a time, drawn at random, the question turned over
const dialogue = screenOf("dialogue");
const cards = dialogue ? $$(".dcard", dialogue) : [];
let shown = 0;

function showCard(index) {
  if (!cards.length) return;
  shown = (index + cards.length) % cards.length;
  cards.forEach((card, i) => {
    card.hidden = i !== shown;
    const question = $(".question", card);
    if (question) {
      question.hidden = true;
      $(".reveal", card).hidden = false;
    }
  });
  fit(cards[shown]);
}

// A long card is set smaller until it fits the window above its buttons,
// question included (turning it over does not move the card), as the paper
// deck fits its text to the card; never below a size a room can read.
const FLOOR_PX = 16;
function fit(card) {
  if (!card || dialogue.hidden) return;
  const body = $(".dbody", card);
  const question = $(".question", card);
  const wasHidden = question ? question.hidden : false;
  if (question) question.hidden = false;
  body.style.fontSize = "";
  const room = window.innerHeight - $(".controls", dialogue).offsetHeight - 24 + window.scrollY;
  let size = parseFloat(getComputedStyle(body).fontSize);
  while (card.getBoundingClientRect().bottom + window.scrollY > room && size > FLOOR_PX) {
    size -= 1;
    body.style.fontSize = `${size}px`;
  }
  if (question) question.hidden = wasHidden;
}

function reveal() {
  const card = cards[shown];
  const question = card && $(".question", card);
  if (!question) return;
  question.hidden = false;
  $(".reveal", card).hidden = true;
}

function draw() {
  if (cards.length < 2) return showCard(0);
  let next = shown;
  while (next === shown) next = Math.floor(Math.random() * cards.length);
  showCard(next);
}

if (dialogue) {
  $("#prev-card").addEventListener("click", () => showCard(shown - 1));
  $("#next-card").addEventListener("click", () => showCard(shown + 1));
  $("#draw-card").addEventListener("click", draw);
  const deck = $("#deck");
  let start = null;
  let swiped = false;
  deck.addEventListener("pointerdown", (event) => { start = [event.clientX, event.clientY]; swiped = false; });
  deck.addEventListener("pointerup", (event) => {
    if (!start) return;
    const dx = event.clientX - start[0];
    const dy = event.clientY - start[1];
    start = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(dy)) {
      swiped = true;
      showCard(shown + ((dx < 0) !== rtl ? 1 : -1));
    }
  });
  // a click anywhere on the card turns it over, as a facilitator turns a paper card
  deck.addEventListener("click", (event) => {
    if (!swiped && !event.target.closest("a")) reveal();
  });
  // ... and does not press the button that has the focus (a button clicks on Space's keyup)
  dialogue.addEventListener("keyup", (event) => {
    if (event.key === " " && event.target.closest("button")) event.preventDefault();
  });
  window.addEventListener("resize", () => fit(cards[shown]));
  showCard(0);
}

// ---- sort exercise
const sort = screenOf("sort");
const stackList = $("#stack");
const lists = sort ? $$("ul.cards", sort) : [];
const listOf = (category) => lists.find((l) => l.dataset.category === category);
const cardOf = (id) => $(`.scard[data-id="${CSS.escape(id)}"]`, sort);
const labelOf = (category) => (category ? $(".clabel", listOf(category).closest(".column")).textContent : say("screen_stack"));
let checked = false;

function shuffled(ids) {
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function readState() {
  const lists_ = {};
  for (const list of lists) lists_[list.dataset.category] = $$(".scard", list).map((c) => c.dataset.id);
  return { lists: lists_, checked };
}

function save() {
  store.set(data.storage, readState());
}

function validState(state) {
  // every statement of this exercise exactly once, in a list that exists
  if (!state || typeof state.lists !== "object" || !state.lists) return false;
  const seen = [];
  for (const [category, ids] of Object.entries(state.lists)) {
    if (!Array.isArray(ids) || (category && !data.categories.includes(category))) return false;
    seen.push(...ids);
  }
  const all = Object.keys(data.answer);
  return seen.length === all.length && all.every((id) => seen.includes(id));
}

function place(state) {
  for (const [category, ids] of Object.entries(state.lists)) {
    const list = listOf(category);
    for (const id of ids) list.append(cardOf(id));
  }
}

function clearMarks() {
  checked = false;
  for (const card of $$(".scard", sort)) {
    card.classList.remove("right", "wrong");
    $(".mark", card).textContent = "";
  }
  $("#score").textContent = "";
}

function counts() {
  const left = $$(".scard", stackList).length;
  $("#stack-count").textContent = left ? say("screen_stack_left", { n: left }) : say("screen_stack_empty");
  for (const category of data.categories) {
    $(`[data-count="${CSS.escape(category)}"]`, sort).textContent = say("screen_cards", { n: $$(".scard", listOf(category)).length });
  }
}

function check() {
  let right = 0;
  let placed = 0;
  for (const category of data.categories) {
    for (const card of $$(".scard", listOf(category))) {
      const good = data.answer[card.dataset.id] === category;
      card.classList.toggle("right", good);
      card.classList.toggle("wrong", !good);
      $(".mark", card).textContent = good ? say("screen_right") : say("screen_wrong");
      placed += 1;
      right += good ? 1 : 0;
    }
  }
  checked = true;
  $("#score").textContent = say("screen_score", { right, placed, left: $$(".scard", stackList).length });
}

function changed() {
  clearMarks();
  counts();
  save();
}

function fresh() {
  const ids = shuffled(Object.keys(data.answer));
  const state = { lists: { "": ids } };
  for (const category of data.categories) state.lists[category] = [];
  return state;
}

function move(card, category) {
  const from = card.parentElement;
  listOf(category).append(card);
  changed();
  $("#announce").textContent = say("screen_moved", { code: card.dataset.code, label: labelOf(category) });
  // from the stack, the next card comes up and takes the focus: the whole stack by keyboard
  const next = from === stackList ? $(".scard", stackList) : card;
  (next || card).focus();
}

function solution() {
  for (const card of $$(".scard", sort).sort((a, b) => a.dataset.code.localeCompare(b.dataset.code))) {
    listOf(data.answer[card.dataset.id]).append(card);
  }
  changed();
  check();
  save();
}

function again() {
  store.remove(data.storage);
  place(fresh());
  changed();
  store.remove(data.storage);  // nothing saved until the first move
}

if (sort) {
  const saved = store.get(data.storage);
  const kept = validState(saved);  // a state of another version of the pack starts afresh
  place(kept ? saved : fresh());
  counts();
  if (kept && saved.checked) check();
  for (const list of lists) {
    // pointer events with Sortable's own fallback: the same drag for mouse, pen and touch
    window.Sortable.create(list, {
      group: "sort",
      animation: matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 150,
      forceFallback: true,
      fallbackTolerance: 4,
      ghostClass: "ghost",
      chosenClass: "chosen",
      dragClass: "dragging",
      onEnd: changed,
    });
  }
  $("#check").addEventListener("click", () => { check(); save(); });
  $("#solution").addEventListener("click", solution);
  $("#again").addEventListener("click", again);
  const targets = ["", ...data.categories];
  sort.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest(".scard");
    if (!card) return;
    const here = card.parentElement.dataset.category;
    if (/^[0-9]$/.test(event.key)) {
      // on a card a digit names a column, never a screen
      event.preventDefault();
      event.stopPropagation();
      if (Number(event.key) < targets.length) move(card, targets[Number(event.key)]);
    } else if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(event.key)) {
      event.preventDefault();
      event.stopPropagation();
      const forward = event.key === "ArrowDown" || event.key === (rtl ? "ArrowLeft" : "ArrowRight");
      const from = card.dataset.target !== undefined ? card.dataset.target : here;
      const next = targets[(targets.indexOf(from) + (forward ? 1 : -1) + targets.length) % targets.length];
      card.dataset.target = next;
      $$(".column, .stack-box", sort).forEach((box) => box.classList.remove("targeted"));
      (next ? listOf(next).closest(".column") : stackList.closest(".stack-box")).classList.add("targeted");
      $("#announce").textContent = say("screen_target", { label: labelOf(next) });
    } else if (event.key === "Enter" && card.dataset.target !== undefined) {
      event.preventDefault();
      event.stopPropagation();
      const target = card.dataset.target;
      delete card.dataset.target;
      $$(".targeted", sort).forEach((box) => box.classList.remove("targeted"));
      move(card, target);
    }
  });
}

// ---- recommendations: an accordion, or one at a time for a gallery
const recs = screenOf("recs");
let slide = 0;
const slides = recs ? $$(".slide", recs) : [];
const gallery = () => recs && !$("#gallery").hidden;

function showSlide(index) {
  slide = Math.max(0, Math.min(slides.length - 1, index));
  slides.forEach((s, i) => { s.hidden = i !== slide; });
}

function view(asGallery) {
  $("#gallery").hidden = !asGallery;
  $("#accordion").hidden = asGallery;
  $("#recs-gallery").setAttribute("aria-pressed", String(asGallery));
  $("#recs-list").setAttribute("aria-pressed", String(!asGallery));
  showSlide(slide);
}

if (recs) {
  $("#recs-list").addEventListener("click", () => view(false));
  $("#recs-gallery").addEventListener("click", () => view(true));
  $("#prev-rec").addEventListener("click", () => showSlide(slide - 1));
  $("#next-rec").addEventListener("click", () => showSlide(slide + 1));
  showSlide(0);
}

// ---- high contrast, remembered on this computer
const CONTRAST_KEY = "findings-kit/screen/contrast";
function contrast(on) {
  document.body.classList.toggle("hc", on);
  $("#contrast").setAttribute("aria-pressed", String(on));
}
$("#contrast").addEventListener("click", () => {
  const on = !document.body.classList.contains("hc");
  contrast(on);
  store.set(CONTRAST_KEY, on);
});
contrast(store.get(CONTRAST_KEY) === true);

// ---- keys that work on every screen
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const shownScreen = screens.find((s) => !s.hidden);
  const forward = rtl ? "ArrowLeft" : "ArrowRight";
  const back = rtl ? "ArrowRight" : "ArrowLeft";
  if (event.key === "Escape" || event.key === "Home") {
    go(0);
  } else if (/^[0-9]$/.test(event.key)) {
    go(Number(event.key));
  } else if (event.key === "PageDown") {
    step(1);
  } else if (event.key === "PageUp") {
    step(-1);
  } else if (event.key === " " && shownScreen === dialogue && !event.target.closest("a, summary")) {
    // Space turns the card over, also right after "Draw a card" was clicked
    reveal();
  } else if (event.key === forward || event.key === back) {
    const delta = event.key === forward ? 1 : -1;
    if (shownScreen === dialogue && dialogue) showCard(shown + delta);
    else if (shownScreen === recs && gallery()) showSlide(slide + delta);
    else step(delta);
  } else {
    return;
  }
  event.preventDefault();
});

go(Number(location.hash.slice(1)) || 0);
