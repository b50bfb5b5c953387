// sites: "Réglages du site", the settings admind keeps for all the kiosks of a site and its
// desk (docs/API.md, "Sites"): opening hours, presets and ticket texts, warnings. A field
// left empty is not set centrally: each kiosk keeps its own kiosk.conf value.

import {t} from "./i18n.js";
import {$, api, errorText, say, el, clear, formError} from "./core.js";
import {TICKET_LANGS} from "./tickets.js";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

let current = "";	// the site in the form
let loaded = null;	// its settings as fetched (keys the form does not show are kept)
let catalogue = [];	// admind's services, for the site's choice

// One row a service: offered to residents (never an accompanied-only one), and to
// accompanied sessions (always, when offered to residents).
function fillServices(s) {
	const body = $("site-services");
	clear(body);
	const chosen = s.services, extra = s.accompanied_services || [];
	for (const sv of catalogue) {
		const resident = !sv.accompanied && (!chosen || chosen.includes(sv.id));
		const r = el("input", {type: "checkbox", id: "site-svc-" + sv.id,
			data: {service: sv.id, kind: "resident"}});
		r.checked = resident;
		r.disabled = sv.accompanied;
		const a = el("input", {type: "checkbox", id: "site-acc-" + sv.id,
			data: {service: sv.id, kind: "accompanied"}});
		a.checked = resident || extra.includes(sv.id);
		a.disabled = resident;
		// Offered to residents: to accompanied sessions too. Taken from residents: from
		// them as well, until ticked for accompanied sessions only.
		r.addEventListener("change", () => {
			a.disabled = r.checked;
			a.checked = r.checked;
		});
		body.appendChild(el("tr", null,
			el("th", {scope: "row"}, el("label", {for: "site-svc-" + sv.id}, sv.name),
				sv.accompanied ? " " + t("svc_accompanied_only") : ""),
			el("td", null, r),
			el("td", null, el("label", {class: "sr-only", for: "site-acc-" + sv.id},
				t("site_col_accompanied") + " " + sv.name), a)));
	}
}

// The site's choice as its two keys; a key stays unset while it says what unset means.
function serviceValues(out) {
	const boxes = (kind) => Array.from($("site-services").querySelectorAll(
		`input[data-kind="${kind}"]`));
	const residents = boxes("resident").filter((b) => b.checked).map((b) => b.dataset.service);
	const everyone = catalogue.filter((s) => !s.accompanied).map((s) => s.id);
	const same = residents.length === everyone.length;
	if (loaded.services || !same)
		out.services = residents;
	const extra = boxes("accompanied").filter((b) => b.checked && !b.disabled)
		.map((b) => b.dataset.service);
	if (loaded.accompanied_services || extra.length)
		out.accompanied_services = extra;
}

// The languages the kiosks' welcome screen offers: a box per language, in the kiosks' order.
function fillLanguages(chosen) {
	const box = $("site-languages");
	clear(box);
	for (const l of TICKET_LANGS) {
		const input = el("input", {type: "checkbox", value: l.code, id: "site-lang-" + l.code});
		input.checked = chosen.includes(l.code);
		box.append(el("label", {class: "check", for: input.id}, input, " ",
			el("span", {lang: l.code, dir: l.rtl ? "rtl" : "ltr"}, l.name)));
	}
}

const lines = (v) => v.split("\n").map((x) => x.trim()).filter((x) => x);
const numbers = (v) => v.split(/[\s,;]+/).filter((x) => x).map(Number);

function fill(d) {
	loaded = d.settings || {};
	const s = loaded;
	const h = s.hours || {};
	for (const day of DAYS)
		$("site-day-" + day).value = (h[day] || []).join(", ");
	$("site-closed").value = (h.closed || []).join("\n");
	$("site-special").value = (h.special || []).map((x) => [x.date, ...x.hours].join(" "))
		.join("\n");
	$("site-centre").value = s["desk.centre"] || "";
	$("site-presets").value = (s["desk.presets"] || []).map((p) => p.minutes + " " + p.pages)
		.join("\n");
	$("site-rules").value = (s["desk.rules"] || []).join("\n");
	$("site-warn").value = (s["session.warn_minutes"] || []).join(", ");
	$("site-closing-warn").value = (s["session.closing_warn_minutes"] || []).join(", ");
	$("site-idle").value = s["session.idle_seconds"] || "";
	$("site-grace").value = s["session.idle_grace_seconds"] || "";
	$("site-name").value = s.centre_name || "";
	$("site-language").value = s.language || "";
	fillLanguages(s.languages || []);
	fillServices(s);
	$("site-version").textContent = t("site_version", {n: d.version});
	$("site-form").hidden = false;
}

// The form's values as the API's object; a string for people when a value is wrong.
function values() {
	const out = {};
	const hours = {};
	for (const day of DAYS) {
		const r = $("site-day-" + day).value.split(/[\s,;]+/).filter((x) => x);
		if (r.length)
			hours[day] = r;
	}
	const closed = lines($("site-closed").value);
	// "2026-12-24 09:00-12:00, 14:00-16:00": a date, then its ranges.
	const special = [];
	for (const l of lines($("site-special").value)) {
		const [date, ...ranges] = l.split(/[\s,;]+/).filter((x) => x);
		if (!ranges.length)
			return t("site_bad_special");
		special.push({date, hours: ranges});
	}
	if (Object.keys(hours).length) {
		if (closed.length)
			hours.closed = closed;
		if (special.length)
			hours.special = special;
		out.hours = hours;
	} else if (closed.length || special.length) {
		return t("site_closed_alone");
	}
	const centre = $("site-centre").value.trim();
	if (centre)
		out["desk.centre"] = centre;
	const presets = lines($("site-presets").value).map((l) => numbers(l));
	if (presets.some((p) => p.length !== 2 || p.some((n) => !Number.isInteger(n))))
		return t("site_bad_presets");
	if (presets.length)
		out["desk.presets"] = presets.map(([minutes, pages]) => ({minutes, pages}));
	const rules = lines($("site-rules").value);
	if (rules.length)
		out["desk.rules"] = rules;
	for (const [id, key] of [["site-warn", "session.warn_minutes"],
		["site-closing-warn", "session.closing_warn_minutes"]]) {
		const n = numbers($(id).value);
		if (n.some((x) => !Number.isInteger(x)))
			return t("site_bad_minutes");
		if (n.length)
			out[key] = n;
	}
	for (const [id, key] of [["site-idle", "session.idle_seconds"],
		["site-grace", "session.idle_grace_seconds"]]) {
		const v = $(id).value.trim();
		if (v)
			out[key] = Number(v);
	}
	const name = $("site-name").value.trim();
	if (name)
		out.centre_name = name;
	if ($("site-language").value)
		out.language = $("site-language").value;
	const langs = Array.from($("site-languages").querySelectorAll("input:checked"))
		.map((b) => b.value);
	if (langs.length)
		out.languages = langs;
	if (langs.length && out.language && !langs.includes(out.language))
		return t("site_language_not_offered");
	serviceValues(out);
	return out;
}

async function load(site) {
	current = site;
	formError($("site-error"), "");
	const [d, svc] = await Promise.all([
		api("GET", "/api/v1/sites/" + encodeURIComponent(site) + "/settings"),
		api("GET", "/api/v1/services")]);
	catalogue = svc.services || [];
	if (site === current)
		fill(d);
}

async function submit(ev) {
	ev.preventDefault();
	const v = values();
	if (typeof v === "string") {
		formError($("site-error"), v);
		return;
	}
	$("site-submit").disabled = true;
	try {
		const d = await api("PUT", "/api/v1/sites/" + encodeURIComponent(current) +
			"/settings", v);
		fill(d);
		formError($("site-error"), "");
		say(t("site_saved", {site: current, n: d.version}));
	} catch (e) {
		formError($("site-error"), errorText(e));
	} finally {
		$("site-submit").disabled = false;
	}
}

export const sites = {
	setup() {
		const box = $("site-days");
		for (const day of DAYS)
			box.appendChild(el("div", {class: "field"},
				el("label", {for: "site-day-" + day}, t("day_" + day)),
				el("input", {id: "site-day-" + day, type: "text", autocomplete: "off",
					spellcheck: "false"})));
		$("site-form").addEventListener("submit", submit);
		$("site-choice").addEventListener("change", () =>
			load($("site-choice").value).catch((e) => say(errorText(e), "error")));
	},
	reset() {
		clear($("site-choice"));
		$("site-form").hidden = true;
		current = "";
		loaded = null;
	},
	enter() {
		return this.refresh(false);
	},
	async refresh(poll) {
		const r = await api("GET", "/api/v1/sites", undefined, {poll});
		const names = (r.sites || []).map((s) => s.name);
		const sel = $("site-choice");
		const had = Array.from(sel.options).map((o) => o.value);
		if (JSON.stringify(had) !== JSON.stringify(names)) {
			clear(sel);
			for (const n of names)
				sel.appendChild(el("option", {value: n}, n));
		}
		$("site-none").hidden = names.length > 0;
		if (!names.length) {
			$("site-form").hidden = true;
			return;
		}
		// A poll never overwrites what is being typed.
		if (!poll || !current) {
			const site = names.includes(current) ? current : names[0];
			sel.value = site;
			await load(site);
		}
	},
};
