// charts: bar charts drawn as SVG, each with its figures as a table under a "Voir les
// chiffres" toggle (keyboard, screen readers, low vision: no value only in a tooltip).

import {el, clear} from "./core.js";
import {t, fmtNumber} from "./i18n.js";

const W = 560, H = 260;
const M = {top: 18, right: 10, bottom: 60, left: 56};
const FONT = 14;	// px of the drawing's text at full width (app.css .chart)

// A round top for the value axis: 1, 2, 5 × 10^n.
function niceMax(v) {
	if (v <= 4)
		return Math.max(1, Math.ceil(v));
	const p = Math.pow(10, Math.floor(Math.log10(v)));
	for (const f of [1, 2, 2.5, 5, 10])
		if (f * p >= v)
			return f * p;
	return 10 * p;
}

function truncate(s, n) {
	s = String(s);
	return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

// opts: items [{label (full), short (axis), value}], yTitle, xTitle,
// barTitle(item) → text of the bar's <title>, empty (text when no data),
// table: {caption, columns: [[head, item => text]]}.
export function barChart(svg, opts) {
	clear(svg);
	svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
	svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
	const items = opts.items || [];
	const max = items.reduce((m, i) => Math.max(m, i.value), 0);
	drawTable(svg, opts);
	if (!items.length || max === 0) {
		svg.appendChild(el("svg:text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "chart-empty"},
			opts.empty));
		return;
	}
	// On a narrow screen the drawing shrinks: grow its text back (font sizes in app.css
	// are in em of the SVG's font size) and space the labels out to match.
	const shown = svg.getBoundingClientRect().width || W;
	const k = Math.min(2, Math.max(1, (W / shown) * 0.7));
	svg.style.fontSize = (FONT * k).toFixed(1) + "px";
	const top = niceMax(max);
	const iw = W - M.left - M.right, ih = H - M.top - M.bottom;
	const y = (v) => M.top + ih - (v / top) * ih;

	// Value axis: gridlines and labels at 0, ½ and the top (integers only).
	const ticks = top <= 4 ? Array.from({length: top + 1}, (_, i) => i) : [0, top / 2, top];
	const axis = el("svg:g", {class: "chart-axis", "aria-hidden": "true"});
	for (const v of ticks) {
		if (!Number.isInteger(v))
			continue;
		axis.appendChild(el("svg:line", {x1: M.left, x2: W - M.right, y1: y(v), y2: y(v),
			class: v === 0 ? "chart-baseline" : "chart-grid"}));
		axis.appendChild(el("svg:text", {x: M.left - 6, y: y(v) + 4 * k, "text-anchor": "end"},
			fmtNumber(v)));
	}
	axis.appendChild(el("svg:text", {x: 12, y: M.top + ih / 2, "text-anchor": "middle",
		transform: `rotate(-90 12 ${M.top + ih / 2})`, class: "chart-title"}, opts.yTitle));
	axis.appendChild(el("svg:text", {x: M.left + iw / 2, y: H - 4, "text-anchor": "middle",
		class: "chart-title"}, opts.xTitle));
	svg.appendChild(axis);

	// Bars, with a label under every k-th one so the labels never overlap.
	const band = iw / items.length;
	const gap = Math.min(band * 0.2, 8);
	const every = Math.max(1, Math.ceil(items.length / Math.floor(iw / (50 * k))));
	const maxChars = Math.max(3, Math.floor((band * every) / (8.1 * k)));
	const bars = el("svg:g", {class: "chart-bars"});
	items.forEach((it, i) => {
		const x = M.left + i * band + gap / 2;
		const h = Math.max(0, y(0) - y(it.value));
		const g = el("svg:g");
		g.appendChild(el("svg:rect", {class: "bar", x: x.toFixed(1), y: y(it.value).toFixed(1),
			width: Math.max(1, band - gap).toFixed(1), height: h.toFixed(1)},
		el("svg:title", null, opts.barTitle(it))));
		if (items.length <= 16 / k && it.value > 0)
			g.appendChild(el("svg:text", {x: (x + (band - gap) / 2).toFixed(1), y: (y(it.value) - 4).toFixed(1),
				"text-anchor": "middle", class: "chart-value", "aria-hidden": "true"}, fmtNumber(it.value)));
		if (i % every === 0)
			g.appendChild(el("svg:text", {x: (x + (band - gap) / 2).toFixed(1), y: y(0) + 16 * k,
				"text-anchor": "middle", class: "chart-label", "aria-hidden": "true"},
			truncate(it.short !== undefined ? it.short : it.label, maxChars)));
		bars.appendChild(g);
	});
	svg.appendChild(bars);
}

// The same figures as a table right after the SVG, in a <details> the reader opens; it
// stays open across redraws.
function drawTable(svg, opts) {
	let box = svg.nextElementSibling;
	if (!box || !box.classList.contains("chart-data")) {
		box = el("details", {class: "chart-data"}, el("summary", null, t("chart_show_figures")),
			el("div", {class: "table-wrap"}));
		svg.after(box);
	}
	const wrap = box.querySelector(".table-wrap");
	clear(wrap);
	box.hidden = !opts.table;
	if (!opts.table)
		return;
	const table = el("table", {class: "table"});
	wrap.appendChild(table);
	table.appendChild(el("caption", null, opts.table.caption));
	const head = el("tr");
	for (const [h] of opts.table.columns)
		head.appendChild(el("th", {scope: "col"}, h));
	table.appendChild(el("thead", null, head));
	const body = el("tbody");
	for (const it of opts.items || []) {
		const tr = el("tr");
		opts.table.columns.forEach(([, f], i) =>
			tr.appendChild(el(i === 0 ? "th" : "td", i === 0 ? {scope: "row"} : {class: "num"},
				String(f(it)))));
		body.appendChild(tr);
	}
	if (!(opts.items || []).length)
		body.appendChild(el("tr", null, el("td", {colspan: opts.table.columns.length}, opts.empty)));
	table.appendChild(body);
}
