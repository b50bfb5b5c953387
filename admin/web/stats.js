// stats: totals and bar charts of GET /api/v1/stats for a date range.

import {t, fmtDay, fmtDayShort, fmtMinutes, fmtNumber} from "./i18n.js";
import {$, api, errorText, say, el, clear} from "./core.js";
import {barChart} from "./charts.js";
import {defaultRange, checkRange, rangeError} from "./maint.js";

let shown = "";
let last = null;	// [stats, from, to] drawn last, to draw again at another width

export function setup() {
	let timer = 0;
	window.addEventListener("resize", () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			if (last && !$("view-stats").hidden)
				drawCharts(...last);
		}, 250);
	});
	$("stats-form").addEventListener("submit", (ev) => {
		ev.preventDefault();
		shown = "";
		refresh(false).catch((e) => say(errorText(e), "error"));
	});
}

export function reset() {
	clear($("stats-totals"));
	for (const id of ["chart-day", "chart-hour", "chart-duration", "chart-kiosk", "chart-site",
		"chart-service"])
		clear($(id));
	$("stats-from").value = "";
	$("stats-to").value = "";
	shown = "";
	last = null;
}

export function enter() {
	defaultRange("stats-from", "stats-to");
	shown = "";
	return refresh(false);
}

export async function refresh(poll) {
	const range = checkRange("stats-from", "stats-to", rangeError("stats-form"));
	if (!range)
		return;
	const [from, to] = range;
	const s = await api("GET", `/api/v1/stats?from=${from}&to=${to}`, undefined, {poll});
	const sig = JSON.stringify(s);
	if (sig === shown)
		return;
	shown = sig;
	last = [s, from, to];
	drawTotals(s);
	drawCharts(s, from, to);
}

function drawTotals(s) {
	const dl = $("stats-totals");
	clear(dl);
	const add = (key, value) => dl.appendChild(el("div", {class: "total"},
		el("dt", null, t(key)), el("dd", null, value)));
	add("tot_sessions", fmtNumber(s.sessions || 0));
	add("tot_minutes", fmtMinutes(s.minutes || 0));
	add("tot_mean", fmtMinutes(s.mean_minutes || 0));
	add("tot_median", fmtMinutes(s.median_minutes || 0));
	add("tot_pages", fmtNumber(s.pages || 0));
	if (s.pages_printed !== undefined)
		add("tot_printed", fmtNumber(s.pages_printed));
	if (s.pages_refused !== undefined)
		add("tot_refused", fmtNumber(s.pages_refused));
	if (s.pages_refunded !== undefined)
		add("tot_refunded", fmtNumber(s.pages_refunded));
	// Calls for help from the kiosks ("Aide"): a count, nobody named.
	if (s.help_requests !== undefined)
		add("tot_help", fmtNumber(s.help_requests));
}

// Every day of the range, with 0 for days without sessions (at most ~a year).
function allDays(perDay, from, to) {
	const byDay = new Map((perDay || []).map((d) => [d.day, d]));
	const [fy, fm, fd] = from.split("-").map(Number);
	const [ty, tm, td] = to.split("-").map(Number);
	const start = new Date(fy, fm - 1, fd), end = new Date(ty, tm - 1, td);
	if ((end - start) / 86400000 > 400)
		return perDay || [];
	const out = [];
	for (const d = start; d <= end; d.setDate(d.getDate() + 1)) {
		const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
		out.push(byDay.get(key) || {day: key, sessions: 0, minutes: 0, pages: 0});
	}
	return out;
}

function drawCharts(s, from, to) {
	const sessionsTitle = (it) => t("chart_bar_sessions", {label: it.label, n: it.value});
	const pagesTitle = (it) => t("chart_bar_pages", {label: it.label, n: it.value});
	const S = t("chart_sessions"), P = t("chart_pages");
	const empty = t("chart_empty");

	const days = allDays(s.per_day, from, to);
	barChart($("chart-day"), {
		items: days.map((d) => ({label: fmtDay(d.day), short: fmtDayShort(d.day), value: d.sessions || 0,
			d})),
		yTitle: S, xTitle: t("chart_day_axis"), barTitle: sessionsTitle, empty,
		table: {caption: t("chart_day"), columns: [
			[t("chart_day_axis"), (i) => i.label], [S, (i) => i.value],
			[t("tot_minutes"), (i) => fmtMinutes(i.d.minutes || 0)], [P, (i) => i.d.pages || 0]]},
	});

	const hours = Array.isArray(s.per_hour) ? s.per_hour : [];
	barChart($("chart-hour"), {
		items: hours.map((n, h) => ({label: t("hour_label", {h}), short: String(h), value: n || 0})),
		yTitle: S, xTitle: t("chart_hour_axis"), barTitle: sessionsTitle, empty,
		table: {caption: t("chart_hour"), columns: [[t("chart_hour_axis"), (i) => i.label],
			[S, (i) => i.value]]},
	});

	barChart($("chart-duration"), {
		items: (s.durations || []).map((d) => ({label: d.label, value: d.sessions || 0})),
		yTitle: S, xTitle: t("chart_duration_axis"), barTitle: sessionsTitle, empty,
		table: {caption: t("chart_duration"), columns: [[t("chart_duration_axis"), (i) => i.label],
			[S, (i) => i.value]]},
	});

	const placeColumns = (first) => [[first, (i) => i.label], [P, (i) => i.value],
		[S, (i) => i.d.sessions || 0], [t("tot_minutes"), (i) => fmtMinutes(i.d.minutes || 0)]];
	barChart($("chart-kiosk"), {
		items: (s.per_kiosk || []).map((k) => ({label: k.kiosk, value: k.pages || 0, d: k})),
		yTitle: P, xTitle: t("chart_kiosk_axis"), barTitle: pagesTitle, empty,
		table: {caption: t("chart_kiosk"), columns: placeColumns(t("chart_kiosk_axis"))},
	});
	barChart($("chart-site"), {
		items: (s.per_site || []).map((k) => ({label: k.site || t("no_site"), value: k.pages || 0, d: k})),
		yTitle: P, xTitle: t("chart_site_axis"), barTitle: pagesTitle, empty,
		table: {caption: t("chart_site"), columns: placeColumns(t("chart_site_axis"))},
	});
	// Sessions that used each service (reported by the kiosks at each session's end).
	barChart($("chart-service"), {
		items: (s.per_service || []).map((x) => ({label: x.name || x.service, value: x.sessions || 0,
			d: x})),
		yTitle: S, xTitle: t("chart_service_axis"), barTitle: sessionsTitle, empty,
		table: {caption: t("chart_service"), columns: [[t("chart_service_axis"), (i) => i.label],
			[S, (i) => i.value]]},
	});
}
