// maint: the maintenance views — kiosks list, usage table with downloads, audit log.

import {t, fmtAgo, fmtDateTime, fmtMinutes, fmtDay} from "./i18n.js";
import {state, $, api, errorText, say, el, clear, reconcile, emptyRow, badge, isoDay,
	formError, ask} from "./core.js";

// ---- kiosks ----

function kioskKind(k) {
	if (k.revoked || k.state === "revoked" || k.state === "offline" || !k.online)
		return "neutral";
	if (k.state === "locked")
		return "warn";
	if (k.session || k.state === "session" || k.state === "ending")
		return "busy";
	return "good";
}

function kioskWord(k) {
	if (k.revoked)
		return t("kstate_revoked");
	if (!k.online && k.state !== "offline" && k.state !== "revoked")
		return t("kstate_offline");
	if (k.state === "login")
		return t("kstate_free");
	const w = t("kstate_" + k.state);
	return w === "kstate_" + k.state ? k.state : w;
}

// A new PC gets its token with a one-time code (escale-kiosk --enroll): maintenance only.
async function enroll() {
	const r = await ask({title: t("enroll_title"), text: t("enroll_text"),
		input: {label: t("enroll_name"), value: "", maxlength: 64},
		extra: [{id: "enroll-site", label: t("enroll_site"), type: "text", value: ""}],
		ok: t("enroll_ok"),
		validate: (v) => v.input.trim() ? "" : t("enroll_name_missing")});
	if (!r)
		return;
	try {
		const d = await api("POST", "/api/v1/kiosks/enroll",
			{name: r.input.trim(), site: (r.extra["enroll-site"] || "").trim()});
		const code = String(d.code).replace(/ /g, "-");
		$("enroll-what").textContent = t("enroll_what", {name: d.name,
			date: fmtDateTime(d.expires_at)});
		$("enroll-code").textContent = code;
		$("enroll-command").textContent = `escale-kiosk --enroll ${location.origin} ${code}`;
		$("enroll-pin").textContent = d.pin || "";
		$("enroll-pin-line").hidden = !d.pin;
		$("enroll-result").hidden = false;
		$("enroll-hide").focus();
	} catch (e) {
		say(errorText(e), "error");
	}
}

function hideEnroll() {
	$("enroll-result").hidden = true;
	for (const id of ["enroll-what", "enroll-code", "enroll-command", "enroll-pin"])
		$(id).textContent = "";
	$("kiosk-enroll").focus();
}

export const kiosks = {
	setup() {
		$("kiosk-enroll").addEventListener("click", enroll);
		$("enroll-hide").addEventListener("click", hideEnroll);
	},
	reset() {
		clear($("kiosks-table").tBodies[0]);
		$("enroll-result").hidden = true;
		for (const id of ["enroll-what", "enroll-code", "enroll-command", "enroll-pin"])
			$(id).textContent = "";
	},
	enter() {
		const r = state.user && state.user.role;
		$("enroll-box").hidden = r !== "maintenance" && r !== "admin";
		return this.refresh(false);
	},
	async refresh(poll) {
		const r = await api("GET", "/api/v1/kiosks", undefined, {poll});
		const tbody = $("kiosks-table").tBodies[0];
		const list = r.kiosks || [];
		if (!list.length) {
			emptyRow(tbody, 7, t("kiosks_empty"));
			return;
		}
		const now = Date.now() / 1000;
		reconcile(tbody, list, (k) => k.id,
			(k) => JSON.stringify([k.name, k.site, kioskWord(k), kioskKind(k), k.version, k.address,
				k.last_seen, k.settings_version, k.site_settings_version]),
			(k) => el("tr", {data: {kioskId: k.id}},
				el("th", {scope: "row"}, k.name),
				el("td", null, k.site || t("none")),
				el("td", null, badge(kioskKind(k), kioskWord(k))),
				el("td", {class: "seen", title: fmtDateTime(k.last_seen)}),
				el("td", null, k.version || t("none")),
				el("td", null, k.address || t("none")),
				el("td", null, settingsCell(k))),
			(node, k) => {
				node.querySelector(".seen").textContent = fmtAgo(k.last_seen, now);
			});
	},
};

// "Réglages : version N", and whether the kiosk is behind its site's settings.
function settingsCell(k) {
	if (!k.site_settings_version && k.settings_version == null)
		return t("none");
	const word = t("kiosk_settings", {n: k.settings_version == null ? "–" : k.settings_version});
	if (k.settings_version !== k.site_settings_version)
		return el("span", null, word + " ", badge("warn", t("kiosk_settings_behind",
			{n: k.site_settings_version})));
	return word;
}

// ---- usage ----

const USAGE_ROWS = 500;

function reasonWord(r) {
	if (!r)
		return t("reason_active");
	const w = t("reason_" + r);
	return w === "reason_" + r ? r : w;
}

function usageQuery(from, to, format) {
	return `/api/v1/usage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=${format}`;
}

function checkRange(fromId, toId, errBox) {
	const from = $(fromId).value, to = $(toId).value;
	if (!from || !to || from > to) {
		formError(errBox, t("date_order"));
		return null;
	}
	formError(errBox, "");
	return [from, to];
}

function rangeError(formId) {
	let p = $(formId + "-error");
	if (!p) {
		p = el("p", {id: formId + "-error", class: "msg msg-error", role: "alert", hidden: true});
		$(formId).after(p);
	}
	return p;
}

export function defaultRange(fromId, toId) {
	if (!$(fromId).value)
		$(fromId).value = isoDay(-29);
	if (!$(toId).value)
		$(toId).value = isoDay(0);
}

export { checkRange, rangeError };

let usageShown = "";

export const usage = {
	setup() {
		$("usage-form").addEventListener("submit", (ev) => {
			ev.preventDefault();
			usageShown = "";
			this.refresh(false).catch((e) => say(errorText(e), "error"));
		});
		for (const id of ["usage-from", "usage-to"])
			$(id).addEventListener("change", () => this.links());
	},
	reset() {
		clear($("usage-table").tBodies[0]);
		$("usage-summary").textContent = "";
		$("usage-from").value = "";
		$("usage-to").value = "";
		usageShown = "";
	},
	links() {
		const from = $("usage-from").value, to = $("usage-to").value;
		if (!from || !to)
			return;
		$("usage-csv").href = usageQuery(from, to, "csv");
		$("usage-csv").setAttribute("download", `escale-usage-${from}-${to}.csv`);
		$("usage-json").href = usageQuery(from, to, "json");
		$("usage-json").setAttribute("download", `escale-usage-${from}-${to}.json`);
	},
	enter() {
		defaultRange("usage-from", "usage-to");
		this.links();
		usageShown = "";
		return this.refresh(false);
	},
	async refresh(poll) {
		const range = checkRange("usage-from", "usage-to", rangeError("usage-form"));
		if (!range)
			return;
		const [from, to] = range;
		this.links();
		const r = await api("GET", usageQuery(from, to, "json"), undefined, {poll});
		const rows = r.sessions || [];
		const sig = JSON.stringify([from, to, rows.length, rows.length && rows[0].id,
			rows.length && rows[0].ended_at, rows.length && rows[rows.length - 1].id]);
		if (sig === usageShown)
			return;
		usageShown = sig;
		const tbody = $("usage-table").tBodies[0];
		$("usage-summary").textContent = t("usage_count", {n: rows.length, from: fmtDay(from), to: fmtDay(to)}) +
			(rows.length > USAGE_ROWS ? " " + t("usage_more", {shown: USAGE_ROWS}) : "");
		if (!rows.length) {
			emptyRow(tbody, 11, t("usage_empty"));
			return;
		}
		reconcile(tbody, rows.slice(0, USAGE_ROWS), (s) => s.id, (s) => JSON.stringify(s),
			(s) => el("tr", {data: {sessionId: s.id}},
				el("td", {class: "nowrap"}, fmtDateTime(s.started_at)),
				el("td", {class: "nowrap"}, s.ended_at ? fmtDateTime(s.ended_at) : t("reason_active")),
				el("td", {class: "nowrap"}, s.kiosk || t("none")),
				el("td", null, s.site || t("none")),
				el("td", {class: "num"}, fmtMinutes(Math.round((s.seconds_used || 0) / 60))),
				el("td", {class: "num"}, String(s.pages_used || 0)),
				el("td", null, reasonWord(s.end_reason)),
				el("td", null, s.offline ? t("yes") : t("no")),
				el("td", {class: "num"}, String(s.pages_printed || 0)),
				el("td", {class: "num"}, String(s.pages_refused || 0)),
				el("td", {class: "num"}, String(s.pages_refunded || 0))));
	},
};

// ---- audit ----

// "code.issue" → "codes créés"; an action the page does not know keeps its word.
function actionWord(action) {
	const key = "audit_" + String(action || "").replace(/[^a-z_]/g, "_");
	const w = t(key);
	return w === key ? String(action || "") : w;
}

export const audit = {
	setup() {},
	reset() {
		clear($("audit-table").tBodies[0]);
	},
	enter() {
		return this.refresh(false);
	},
	async refresh(poll) {
		const r = await api("GET", "/api/v1/audit?limit=200", undefined, {poll});
		const tbody = $("audit-table").tBodies[0];
		const rows = r.audit || [];
		if (!rows.length) {
			emptyRow(tbody, 5, t("audit_empty"));
			return;
		}
		reconcile(tbody, rows, (a) => a.id, (a) => String(a.id),
			(a) => el("tr", {data: {auditId: a.id}},
				el("td", {class: "nowrap"}, fmtDateTime(a.at)),
				el("td", null, a.user || t("none")),
				el("td", {title: a.action || ""}, actionWord(a.action)),
				el("td", null, a.target === null || a.target === undefined ? t("none") : String(a.target)),
				el("td", {class: "detail"}, a.detail === null || a.detail === undefined ? "" :
					typeof a.detail === "string" ? a.detail : JSON.stringify(a.detail))));
	},
};
