// printers: the maintenance view of the printers admind watches; adding one at run time
// (its release key and the command for its print host) and removing it.

import {t} from "./i18n.js";
import {state, $, api, ApiError, errorText, say, el, clear, reconcile, emptyRow, badge, button,
	ask} from "./core.js";

const ADDED_IDS = ["printer-added-what", "printer-added-key", "printer-added-fp",
	"printer-added-command"];

function stateWord(p) {
	const w = t("pstate_" + p.state);
	return w === "pstate_" + p.state ? p.state : w;
}

function stateKind(p) {
	return p.needs_attention ? "bad" : p.state === "processing" ? "busy" :
		p.state === "idle" ? "good" : "neutral";
}

async function add() {
	// An account of one site adds printers to it: its site is filled in.
	const mine = state.user && state.user.sites;
	const r = await ask({title: t("printer_add_title"), text: t("printer_add_text"),
		input: {label: t("printer_add_name"), value: "", maxlength: 64},
		extra: [{id: "printer-site", label: t("printer_add_site"), type: "text",
			value: mine && mine.length === 1 ? mine[0] : ""},
			{id: "printer-server", label: t("printer_add_server"), type: "text", value: ""},
			{id: "printer-queue", label: t("printer_add_queue"), type: "text", value: "escale"}],
		ok: t("printer_add_ok"),
		validate: (v) => !v.input.trim() ? t("printer_add_name_missing") :
			!(v.extra["printer-server"] || "").trim() ? t("printer_add_server_missing") : ""});
	if (!r)
		return;
	try {
		const d = await api("POST", "/api/v1/printers", {name: r.input.trim(),
			site: (r.extra["printer-site"] || "").trim(),
			cups_server: (r.extra["printer-server"] || "").trim(),
			queue: (r.extra["printer-queue"] || "").trim() || "escale"});
		$("printer-added-what").textContent = t("printer_added_what", {name: d.name,
			server: d.cups_server, queue: d.queue});
		$("printer-added-key").textContent = d.release_key;
		$("printer-added-fp").textContent = d.fingerprint;
		$("printer-added-command").textContent = d.setup_command;
		$("printer-added").hidden = false;
		$("printer-added-hide").focus();
		await printers.refresh(false);
	} catch (e) {
		say(e instanceof ApiError && e.word === "conflict" ? t("printer_add_taken") : errorText(e),
			"error");
	}
}

function hideAdded() {
	$("printer-added").hidden = true;
	for (const id of ADDED_IDS)
		$(id).textContent = "";
	$("printer-add").focus();
}

async function remove(p) {
	const ok = await ask({title: t("printer_remove_title", {name: p.name}),
		text: t("printer_remove_text"), ok: t("printer_remove_ok"), danger: true});
	if (!ok)
		return;
	try {
		await api("DELETE", "/api/v1/printers/" + encodeURIComponent(p.name));
		say(t("printer_removed", {name: p.name}));
		await printers.refresh(false);
	} catch (e) {
		say(e instanceof ApiError && e.word === "conflict" ? t("printer_remove_pending") :
			errorText(e), "error");
	}
}

function renderPrinter(p) {
	const about = "printer-row-" + p.name;
	return el("tr", {data: {printer: p.name, origin: p.origin}},
		el("th", {scope: "row", id: about}, p.name),
		el("td", null, p.site || t("printer_any_site")),
		el("td", null, p.cups_server),
		el("td", null, p.queue),
		el("td", null, badge(stateKind(p), stateWord(p))),
		el("td", null, t(p.origin === "api" ? "origin_api" : "origin_config")),
		el("td", {class: "actions"}, p.origin === "api" ?
			button(t("printer_remove"), "remove", () => remove(p),
				"btn btn-small btn-danger-outline", about) : null));
}

export const printers = {
	setup() {
		$("printer-add").addEventListener("click", add);
		$("printer-added-hide").addEventListener("click", hideAdded);
	},
	reset() {
		clear($("printers-table").tBodies[0]);
		$("printer-added").hidden = true;
		for (const id of ADDED_IDS)
			$(id).textContent = "";
	},
	enter() {
		return this.refresh(false);
	},
	async refresh(poll) {
		let r;
		try {
			r = await api("GET", "/api/v1/printers", undefined, {poll});
		} catch (e) {
			if (e instanceof ApiError && e.word === "printing_disabled") {
				$("printers-off").hidden = false;
				$("printer-add-box").hidden = true;
				emptyRow($("printers-table").tBodies[0], 7, t("printers_admin_empty"));
				return;
			}
			throw e;
		}
		$("printers-off").hidden = true;
		$("printer-add-box").hidden = false;
		const tbody = $("printers-table").tBodies[0];
		const list = r.printers || [];
		if (!list.length) {
			emptyRow(tbody, 7, t("printers_admin_empty"));
			return;
		}
		reconcile(tbody, list, (p) => p.name,
			(p) => JSON.stringify([p.site, p.cups_server, p.queue, p.state, p.needs_attention,
				p.origin]),
			renderPrinter);
	},
};
