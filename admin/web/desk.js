// desk: the reception's view — new codes and their tickets, the kiosk grid,
// printers and print jobs, the active codes.

import * as helpcall from "./helpcall.js";
import {TICKET_LANGS, tt, ticketDir, ticketMinutes, ticketPages, ticketDate} from "./tickets.js";
import {t, lang, fmtLongDate, fmtShort, fmtDateTime, fmtMinutes, fmtSecondsLeft, fmtPages,
	fmtAgo} from "./i18n.js";
import {state, $, api, loadDesk, ApiError, errorText, say, el, clear, button, reconcile, ask,
	intValue, inRange, formError, emptyRow, badge} from "./core.js";

let ctx = null;
const DEFAULT_PRESETS = [{minutes: 30, pages: 5}, {minutes: 60, pages: 10},
	{minutes: 120, pages: 20}];

export function setup(c) {
	ctx = c;
	$("code-form").addEventListener("submit", issue);
	// The tickets in the desk's own language unless it chooses the resident's.
	for (const l of TICKET_LANGS)
		$("code-lang").appendChild(el("option", {value: l.code, lang: l.code}, l.name));
	$("code-lang").value = lang;
	$("code-count").addEventListener("input", issueLabel);
	for (const id of ["code-minutes", "code-pages"])
		$(id).addEventListener("input", markPreset);
	$("spare-make").addEventListener("click", makeSpare);
	$("print-a4").addEventListener("click", () => printTickets("print-a4"));
	$("print-receipt").addEventListener("click", () => printTickets("print-receipt"));
	// The reception's screen may face the public: the codes go once they are printed.
	$("tickets-clear").addEventListener("click", () => {
		showTickets([]);
		say(t("tickets_cleared"));
		$("code-issue").focus();
	});
	$("printer-banner-link").addEventListener("click", () => {
		$("printers-h").scrollIntoView({block: "start"});
		$("printers-h").focus({preventScroll: true});
	});
	$("codes-filter").addEventListener("input", () => {
		if (lastCodes)
			drawCodes(lastCodes);
	});
}

// Forget everything shown (codes in clear are on the tickets) at sign-out.
export function reset() {
	// Signed out with a call waiting: no beeping on the sign-in page, no muting for the next.
	helpcall.setWaiting(0);
	helpcall.setMuted(false);
	clear($("tickets"));
	$("tickets-empty").hidden = false;
	for (const id of ["print-a4", "print-receipt", "tickets-clear"])
		$(id).disabled = true;
	clear($("kiosk-grid"));
	clear($("printers"));
	clear($("jobs").tBodies[0]);
	clear($("codes-table").tBodies[0]);
	$("codes-filter").value = "";
	$("codes-note").hidden = true;
	lastCodes = null;
	clear($("presets"));
	formError($("code-error"), "");
	$("refund-rule").hidden = true;
	$("spare-status").textContent = "";
	$("printer-banner").hidden = true;
	recentJobs = [];
	activeJobIds = new Set();
	pollCount = 0;
	printingOff = false;
	configured = false;
}

let configured = false;

export async function enter() {
	if (!configured) {
		let d;
		try {
			d = await loadDesk();
		} catch (e) {
			if (e instanceof ApiError && (e.network || e.status === 401))
				throw e;
			d = {};
		}
		configure(d);
		configured = true;
	}
	return refresh(false);
}

function configure(d) {
	const presets = Array.isArray(d.presets) && d.presets.length ? d.presets : DEFAULT_PRESETS;
	const box = $("presets");
	clear(box);
	for (const p of presets) {
		box.appendChild(el("button", {type: "button", class: "btn preset", "aria-pressed": "false",
			data: {minutes: p.minutes, pages: p.pages},
			on: {click: () => choosePreset(p)}},
		el("span", {class: "preset-time"}, fmtMinutes(p.minutes)),
		el("span", {class: "preset-pages"}, fmtPages(p.pages))));
	}
	const max = d.max_count || 100;
	$("code-count").max = String(max);
	$("code-count").value = "1";
	$("code-minutes").value = String(d.default_minutes || presets[Math.min(1, presets.length - 1)].minutes);
	$("code-pages").value = String(d.default_pages !== undefined ? d.default_pages :
		presets[Math.min(1, presets.length - 1)].pages);
	$("code-days").value = String(d.default_days || 1);
	markPreset();
	issueLabel();
}

function choosePreset(p) {
	$("code-minutes").value = String(p.minutes);
	$("code-pages").value = String(p.pages);
	markPreset();
	$("code-issue").focus();
}

function markPreset() {
	const m = $("code-minutes").value, p = $("code-pages").value;
	for (const b of $("presets").querySelectorAll(".preset"))
		b.setAttribute("aria-pressed", String(b.dataset.minutes === m && b.dataset.pages === p));
}

function issueLabel() {
	const n = intValue($("code-count").value);
	$("code-issue").textContent = n > 1 ? t("code_issue_n", {n}) : t("code_issue");
}

// ---- new codes and tickets ----

async function issue(ev) {
	ev.preventDefault();
	const max = (state.desk && state.desk.max_count) || 100;
	const count = intValue($("code-count").value);
	const minutes = intValue($("code-minutes").value);
	const pages = intValue($("code-pages").value);
	const days = intValue($("code-days").value);
	const bad = [
		[!inRange(count, 1, max), "code-count", t("code_bad_count", {max})],
		[!inRange(minutes, 1, 1440), "code-minutes", t("code_bad_minutes")],
		[!inRange(pages, 0, 1000), "code-pages", t("code_bad_pages")],
		[!inRange(days, 1, 366), "code-days", t("code_bad_days")],
	].find((x) => x[0]);
	for (const id of ["code-count", "code-minutes", "code-pages", "code-days"])
		$(id).removeAttribute("aria-invalid");
	if (bad) {
		formError($("code-error"), bad[2]);
		$(bad[1]).setAttribute("aria-invalid", "true");
		$(bad[1]).focus();
		return;
	}
	formError($("code-error"), "");
	const btn = $("code-issue");
	btn.disabled = true;
	try {
		const r = await api("POST", "/api/v1/codes", {count, minutes, pages, days});
		showTickets(r.codes || [], await serviceNames(), $("code-lang").value);
		say(r.codes && r.codes.length > 1 ? t("code_issued_n", {n: r.codes.length}) :
			t("code_issued_1"));
		// Enter prints the usual format: a receipt for one code, a sheet for several.
		$(r.codes && r.codes.length > 1 ? "print-a4" : "print-receipt").focus();
		ctx.refreshNow();
	} catch (e) {
		formError($("code-error"), errorText(e));
	} finally {
		btn.disabled = false;
	}
}

// "12345678" → "1234 5678"; a code the API already grouped stays as it is.
function groupCode(code) {
	const s = String(code);
	if (/\s/.test(s))
		return s;
	return s.replace(/(.{4})(?=.)/g, "$1 ");
}

// ---- spare codes: a sheet for the drawer, for when admind does not answer ----

const SPARE_LOW_DAYS = 3;

function drawSpare(r) {
	const s = $("spare-status");
	const soon = r.valid_until && r.valid_until - Date.now() / 1000 < SPARE_LOW_DAYS * 86400;
	s.textContent = !r.unused ? t("spare_none") :
		t(soon ? "spare_left_soon" : "spare_left",
			{n: r.unused, date: fmtLongDate(r.valid_until)});
	s.classList.toggle("spare-low", !r.unused || !!soon);
	state.spare = r;
}

async function makeSpare() {
	const r = state.spare || {};
	const n = r.sheet_count || 10;
	const minutes = intValue($("code-minutes").value);
	const pages = intValue($("code-pages").value);
	if (!inRange(minutes, 1, 1440) || !inRange(pages, 0, 1000)) {
		formError($("code-error"), !inRange(minutes, 1, 1440) ? t("code_bad_minutes") :
			t("code_bad_pages"));
		return;
	}
	const ok = await ask({title: t("spare_ask_title"), ok: t("spare_ask_ok"),
		text: t("spare_ask_text",
			{n, days: r.days || 28, time: fmtMinutes(minutes), pages: fmtPages(pages)})});
	if (!ok)
		return;
	const btn = $("spare-make");
	btn.disabled = true;
	try {
		const res = await api("POST", "/api/v1/codes", {spare: true, minutes, pages});
		showTickets(res.codes || [], await serviceNames(), $("code-lang").value);
		say(t("spare_made", {n: (res.codes || []).length}));
		// A sheet of spare codes prints on A4, to cut and keep in the drawer.
		$("print-a4").focus();
		ctx.refreshNow();
	} catch (e) {
		say(errorText(e), "error");
	} finally {
		btn.disabled = false;
	}
}

// The names of the services the kiosks show, as admind serves them (one list, one
// place: issue 17); a ticket without them is better than no ticket.
async function serviceNames() {
	try {
		const r = await api("GET", "/api/v1/services");
		return (r.services || []).map((s) => s.name);
	} catch (e) {
		return [];
	}
}

// "Sites ouverts : CAF, France Travail, …", each name kept on one line (a name such
// as service-public.fr must not break at its dash).
function servicesLine(services, tl) {
	const p = el("p", {class: "ticket-services"});
	if (!services.length)
		return p;
	const [before, after] = tt(tl, "services", {list: "\u0000"}).split("\u0000");
	p.appendChild(document.createTextNode(before));
	services.forEach((name, i) => {
		if (i)
			p.appendChild(document.createTextNode(", "));
		p.appendChild(el("span", null, name));
	});
	p.appendChild(document.createTextNode(after || ""));
	return p;
}

// The tickets of CODES in LANG (tickets.js: the desk chooses it for the resident), the
// centre's name and rules as the site wrote them.
function showTickets(codes, services = [], tl = "fr") {
	const box = $("tickets");
	clearTimeout(ticketsTimer);
	clear(box);
	const d = state.desk || {};
	for (const c of codes) {
		const rules = el("ul", {class: "ticket-rules"});
		// The rules are the site's own words: each line in its own direction.
		for (const r of d.rules || [])
			rules.appendChild(el("li", {dir: "auto"}, r));
		box.appendChild(el("article", {class: "ticket", lang: tl, dir: ticketDir(tl)},
			c.spare ? el("p", {class: "ticket-spare"}, tt(tl, "spare")) : null,
			d.centre ? el("p", {class: "ticket-centre"}, d.centre) : null,
			el("p", {class: "ticket-intro"}, tt(tl, "intro")),
			// A code reads left to right in every language.
			el("p", {class: "ticket-code", dir: "ltr", "aria-label": tt(tl, "code") + " " +
				String(c.code).split("").join(" ")}, groupCode(c.code)),
			// The desk's rules usually say how to type the code; else say it here.
			(d.rules && d.rules.length) ? null : el("p", {class: "ticket-how"}, tt(tl, "how")),
			el("ul", {class: "ticket-facts"},
				el("li", {class: "ticket-minutes"},
					tt(tl, "time", {time: ticketMinutes(tl, c.minutes)})),
				el("li", {class: "ticket-pages"},
					tt(tl, "pages", {pages: ticketPages(tl, c.pages)})),
				el("li", {class: "ticket-until"},
					tt(tl, "until", {date: ticketDate(tl, c.valid_until)}))),
			servicesLine(services, tl),
			(d.rules && d.rules.length) ? el("p", {class: "ticket-rules-title"}, tt(tl, "rules")) : null,
			rules));
	}
	$("tickets-empty").hidden = codes.length > 0;
	for (const id of ["print-a4", "print-receipt", "tickets-clear"])
		$(id).disabled = codes.length === 0;
}

// Printed tickets leave the screen (it may face the public): Enter on the focused
// "Effacer de l'écran" at once, or by themselves two minutes after the print dialog closed.
const TICKETS_AFTER_PRINT_MS = 120000;
let ticketsTimer = null;

function printTickets(cls) {
	document.body.classList.remove("print-a4", "print-receipt");
	document.body.classList.add(cls);
	window.print();
	clearTimeout(ticketsTimer);
	ticketsTimer = setTimeout(() => {
		if ($("tickets").children.length) {
			showTickets([]);
			say(t("tickets_cleared"));
		}
	}, TICKETS_AFTER_PRINT_MS);
	$("tickets-clear").focus();
}

// ---- refresh ----

let recentJobs = [];
let activeJobIds = new Set();	// the unsettled jobs of the last refresh
let pollCount = 0;
let printingOff = false;
let printerCount = 0;	// printers admind watches (print.queues): jobs name theirs past one

export async function refresh(poll) {
	const o = {poll};
	// Print jobs that are settled change rarely: all of them every 5th refresh.
	const wantRecent = pollCount % 5 === 0 || !poll;
	// With printing off, ask again now and then only (a centre may turn it on).
	const wantPrinters = !printingOff || pollCount % 20 === 0 || !poll;
	pollCount++;
	const parts = [
		api("GET", "/api/v1/kiosks", undefined, o).then(drawGrid),
		wantPrinters ? api("GET", "/api/v1/printers", undefined, o).then(drawPrinters, printersFailed) :
			null,
		fetchJobs(o, wantRecent).then(drawJobs),
		api("GET", "/api/v1/codes?state=active", undefined, o).then(drawCodes),
		api("GET", "/api/v1/codes/spare", undefined, o).then(drawSpare),
	];
	const results = await Promise.allSettled(parts);
	const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
	const network = failed.find((e) => e instanceof ApiError && (e.network || e.status === 401));
	if (network)
		throw network;
	if (failed.length && !poll)
		say(errorText(failed[0]), "error");
}

// ---- kiosk grid ----

// The grid's four states from the kiosk's own word (docs/web.md).
function gridState(k) {
	if (k.state === "offline" || k.state === "unknown" || k.state === "revoked" ||
	    k.state === "closed" || !k.online)
		return "offline";
	if (k.state === "locked")
		return "locked";
	if (k.session || k.state === "session" || k.state === "ending")
		return "session";
	// Wrong codes typed at it: the keypad waits (admind's count, docs/API.md).
	if (k.paused_seconds > 0)
		return "paused";
	return "free";
}

function kioskWord(k, gs) {
	if (gs === "offline" && k.online && k.state === "closed")
		return t("kstate_closed");
	if (k.state === "unknown")
		return t("kstate_unknown");
	if (k.state === "ending")
		return t("kstate_ending");
	return t("kstate_" + gs);
}

const SYMBOL = {free: "○", session: "●", offline: "✕", locked: "■", paused: "‖"};

// A resident's call for help (docs/API.md "help"): waiting first, then answered.
function helpRank(k) {
	return k.help === "asked" ? 0 : k.help === "coming" ? 1 : 2;
}

function drawGrid(r) {
	const grid = $("kiosk-grid");
	const kiosks = (r.kiosks || []).filter((k) => !k.revoked && k.state !== "revoked");
	kiosks.sort((a, b) => helpRank(a) - helpRank(b));
	helpcall.setWaiting(kiosks.filter((k) => k.help === "asked").length);
	if (!kiosks.length) {
		clear(grid);
		grid.appendChild(el("p", {class: "hint"}, t("grid_empty")));
		return;
	}
	const now = Date.now() / 1000;
	reconcile(grid, kiosks, (k) => k.id,
		(k) => JSON.stringify([k.name, k.site, gridState(k), kioskWord(k, gridState(k)), k.session,
			k.help, helpcall.isMuted()]),
		renderKiosk,
		(node, k) => {
			const tm = node.querySelector(".kiosk-time");
			if (tm)
				tm.textContent = k.session && k.seconds_left !== undefined ?
					t("kiosk_left", {time: fmtSecondsLeft(k.seconds_left)}) :
					gridState(k) === "paused" ?
						t("kiosk_paused_left", {time: fmtSecondsLeft(k.paused_seconds)}) : "";
			const seen = node.querySelector(".kiosk-seen");
			if (seen)
				seen.textContent = gridState(k) !== "offline" ? "" :
					k.last_seen === null || k.last_seen === undefined ? t("kiosk_never") :
						t("kiosk_seen", {ago: fmtAgo(k.last_seen, now)});
		});
}

function renderKiosk(k) {
	const gs = gridState(k);
	const actions = el("div", {class: "kiosk-actions"});
	const nameId = "kiosk-name-" + k.id;
	const add = (action, label, f, cls) =>
		actions.appendChild(button(label, action, () => f(k), cls, nameId));
	if (gs === "session") {
		add("end", t("act_end"), endSession, "btn btn-small btn-danger-outline");
		add("add-time", t("act_add_time"), addTime);
	}
	if (gs === "paused")
		add("unpause", t("act_unpause"), unpause);
	const calling = k.help === "asked" || k.help === "coming";
	if (k.help === "asked")
		add("help-coming", t("act_help_coming"), helpComing, "btn btn-small btn-primary");
	if (calling) {
		add("help-clear", t("act_help_clear"), helpClear);
		add("mute", helpcall.isMuted() ? t("act_unmute") : t("act_mute"), toggleMute);
	}
	if (gs === "locked") {
		add("unlock", t("act_unlock"), unlock);
	} else {
		if (gs !== "offline")
			add("message", t("act_message"), message);
		add("lock", t("act_lock"), lock);
	}
	return el("div", {class: "kiosk kiosk-" + gs + (calling ? " kiosk-help kiosk-help-" + k.help : ""),
		data: {kioskId: k.id, state: gs, help: k.help || "none"}},
		calling ? el("p", {class: "kiosk-help-banner", role: "alert"},
			el("span", {"aria-hidden": "true"}, "⚠ "),
			k.help === "asked" ? t("kiosk_help_asked") : t("kiosk_help_coming")) : null,
		el("h3", {class: "kiosk-name", id: nameId}, k.name),
		k.site ? el("p", {class: "kiosk-site"}, k.site) : null,
		el("p", {class: "kiosk-state"}, el("span", {class: "kiosk-symbol", "aria-hidden": "true"},
			SYMBOL[gs]), " ", kioskWord(k, gs)),
		el("p", {class: "kiosk-time", "aria-live": "off"}),
		el("p", {class: "kiosk-seen"}),
		actions);
}

async function act(method, path, body, done) {
	try {
		const r = await api(method, path, body);
		say(typeof done === "function" ? done(r) : done);
	} catch (e) {
		say(errorText(e), "error");
	}
	ctx.refreshNow();
}

async function endSession(k) {
	const ok = await ask({title: t("dlg_end_title", {kiosk: k.name}), text: t("dlg_end_text"),
		ok: t("dlg_end_ok"), danger: true});
	if (ok)
		act("POST", `/api/v1/sessions/${encodeURIComponent(k.session)}/end`, undefined,
			t("done_end", {kiosk: k.name}));
}

async function addTime(k) {
	const r = await ask({title: t("dlg_add_title", {kiosk: k.name}),
		input: {label: t("dlg_add_label"), type: "number", value: 15, min: 1, max: 480, inputmode: "numeric"},
		validate: (v) => inRange(intValue(v.input), 1, 480) ? "" : t("dlg_add_bad")});
	if (r) {
		const minutes = intValue(r.input);
		act("POST", `/api/v1/sessions/${encodeURIComponent(k.session)}/add_time`, {minutes},
			t("done_add_time", {n: minutes, kiosk: k.name}));
	}
}

async function message(k) {
	const r = await ask({title: t("dlg_msg_title", {kiosk: k.name}), ok: t("dlg_msg_ok"),
		input: {label: t("dlg_msg_label"), type: "text", value: "", maxlength: 500},
		validate: (v) => v.input.trim() && v.input.length <= 500 ? "" : t("dlg_msg_bad")});
	if (r)
		act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "message", text: r.input.trim()},
			t("done_message", {kiosk: k.name}));
}

async function lock(k) {
	const r = await ask({title: t("dlg_lock_title", {kiosk: k.name}), text: t("dlg_lock_text"),
		ok: t("act_lock"), danger: true,
		input: {label: t("dlg_lock_label"), type: "text", value: t("dlg_lock_default"), maxlength: 500},
		validate: (v) => v.input.length <= 500 ? "" : t("dlg_msg_bad")});
	if (r)
		act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "lock", text: r.input.trim()},
			t("done_lock", {kiosk: k.name}));
}

function helpComing(k) {
	act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "help_coming"},
		t("done_help_coming", {kiosk: k.name}));
}

function helpClear(k) {
	act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "help_clear"},
		t("done_help_clear", {kiosk: k.name}));
}

function toggleMute() {
	helpcall.setMuted(!helpcall.isMuted());
	ctx.refreshNow();
}

function unpause(k) {
	act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "unpause"},
		t("done_unpause", {kiosk: k.name}));
}

function unlock(k) {
	act("POST", `/api/v1/kiosks/${k.id}/commands`, {type: "unlock"},
		t("done_unlock", {kiosk: k.name}));
}

// ---- printers ----

// The printer's trouble in words, most specific first.
function printerAlerts(p) {
	const reasons = (p.reasons || []).join(" ");
	const out = [];
	if (/media-jam/.test(reasons) || p.jammed)
		out.push(["jam", t("alert_jam")]);
	if (/media-empty|media-needed/.test(reasons))
		out.push(["empty", t("alert_empty")]);
	if (/door-open|cover-open/.test(reasons))
		out.push(["door", t("alert_door")]);
	if (p.state === "unreachable" || /unreachable|offline-report|connecting-to-device/.test(reasons))
		out.push(["unreachable", t("alert_unreachable")]);
	// A jam, no paper or an open door stop the printer: say the cause only.
	if (!out.length && (p.state === "stopped" || /(^|\s)(stopped|paused)/.test(reasons)))
		out.push(["stopped", t("alert_stopped")]);
	if (!out.length && p.needs_attention)
		out.push(["other", t("alert_stuck")]);
	return out;
}

function printersFailed(e) {
	if (e instanceof ApiError && e.word === "printing_disabled") {
		printingOff = true;
		banner([]);
		const box = $("printers");
		if (!box.querySelector(".printing-off")) {
			clear(box);
			box.appendChild(el("p", {class: "notice printing-off"}, t("printing_off")));
		}
		return;
	}
	throw e;
}

function drawPrinters(r) {
	printingOff = false;
	const box = $("printers");
	const off = box.querySelector(".printing-off");
	if (off)
		off.remove();
	const list = r.printers || [];
	printerCount = list.length;
	if (!list.length) {
		clear(box);
		box.appendChild(el("p", {class: "hint"}, t("printers_empty")));
		return;
	}
	reconcile(box, list, (p) => p.name,
		(p) => JSON.stringify([p.state, p.reasons, p.needs_attention, p.message, p.accepting,
			p.jobs_waiting, p.site]),
		renderPrinter);
	banner(list.filter((p) => p.needs_attention));
}

// At the top of the desk, a line that leads to a printer in trouble (on a phone the
// printers are far below).
function banner(troubled) {
	const b = $("printer-banner");
	const text = troubled.map((p) => {
		const a = printerAlerts(p);
		return t("banner_printer", {printer: printerLabel(p.name, p.site),
			what: a.length ? a[0][1] : t("alert_attention")});
	}).join(" · ");
	b.hidden = !troubled.length;
	if ($("printer-banner-link").textContent !== text)
		$("printer-banner-link").textContent = text;
}

// A printer as the desk names it: its name, and its site when it has one.
function printerLabel(name, site) {
	return site ? t("printer_of_site", {printer: name, site}) : name;
}

function renderPrinter(p) {
	const alerts = p.needs_attention ? printerAlerts(p) : [];
	const attention = !!p.needs_attention;
	const help = !alerts.length ? "" :
		alerts[0][0] === "jam" ? t("alert_help_jam") :
		alerts[0][0] === "empty" ? t("alert_help_empty") :
		alerts[0][0] === "door" ? t("alert_help_door") :
		alerts[0][0] === "unreachable" ? t("alert_help_unreachable") : t("alert_help_other");
	const details = [];
	if (p.jobs_waiting)
		details.push(t("printer_waiting", {n: p.jobs_waiting}));
	if (p.accepting === false)
		details.push(t("printer_not_accepting"));
	const stateKind = attention ? "bad" : p.state === "processing" ? "busy" :
		p.state === "idle" ? "good" : "neutral";
	const showResume = attention || p.state === "stopped" || p.accepting === false;
	return el("div", {class: "printer" + (attention ? " printer-attention" : ""),
		data: {printer: p.name, attention: String(attention)}},
	el("h3", {class: "printer-name"}, p.name, " ",
		p.site ? el("span", {class: "printer-site hint"}, p.site) : null, " ",
		badge(stateKind, t("pstate_" + p.state) !== "pstate_" + p.state ? t("pstate_" + p.state) : p.state)),
	attention ? el("div", {class: "printer-alert", role: "alert"},
		el("p", {class: "printer-alert-title"}, el("span", {"aria-hidden": "true"}, "⚠ "),
			alerts.map((a) => a[1]).join(" · ")),
		el("p", {class: "printer-alert-help"}, help)) : null,
	details.length ? el("p", {class: "printer-details"}, details.join(" · ")) : null,
	// CUPS' own words, in English: out of the way, for whoever repairs the printer.
	p.message ? el("details", {class: "printer-message"},
		el("summary", null, t("printer_details")),
		el("p", {class: "hint", lang: "en"}, p.message, (p.reasons || []).length ?
			" (" + p.reasons.join(", ") + ")" : "")) : null,
	showResume ? button(t("act_resume"), "resume", () => resume(p),
		attention ? "btn btn-primary btn-big" : "btn") : null);
}

function resume(p) {
	act("POST", `/api/v1/printers/${encodeURIComponent(p.name)}/resume`, undefined,
		t("done_resume", {printer: p.name}));
}

// ---- print jobs ----

const SETTLED = new Set(["printed", "cancelled", "aborted", "refused", "gone"]);

// The unsettled jobs, and all recent ones when asked or when a job just settled (left
// the unsettled list): the desk sees it settled at once, not at the next full fetch.
async function fetchJobs(o, wantRecent) {
	const active = await api("GET", "/api/v1/jobs?active=1", undefined, o);
	const ids = new Set((active.jobs || []).map((j) => j.id));
	const settled = [...activeJobIds].some((id) => !ids.has(id));
	const all = wantRecent || settled ? await api("GET", "/api/v1/jobs", undefined, o) : null;
	activeJobIds = ids;	// only now: a failed fetch is tried again next time
	return [active, all];
}

function drawJobs([active, all]) {
	if (all)
		recentJobs = (all.jobs || []).slice(0, 15);
	// The API's refund_rule is English prose for scripts; the desk gets it in its language.
	$("refund-rule").textContent = t("refund_rule");
	$("refund-rule").hidden = false;
	const seen = new Set();
	const jobs = [];
	for (const j of (active.jobs || []).concat(recentJobs)) {
		if (seen.has(j.id))
			continue;
		seen.add(j.id);
		jobs.push(j);
	}
	// The active ones come first in the answer; keep the newest on top within each.
	const tbody = $("jobs").tBodies[0];
	if (!jobs.length) {
		if (!tbody.querySelector(".empty"))
			emptyRow(tbody, 6, t("jobs_empty"));
		return;
	}
	reconcile(tbody, jobs, (j) => j.id, (j) => JSON.stringify(j), renderJob);
}

function jobState(j) {
	let w = t("jstate_" + j.state);
	if (w === "jstate_" + j.state)
		w = j.state;
	const settled = SETTLED.has(j.state) || !!j.settled_at;
	const extra = [];
	if (j.reason) {
		const r = t("jreason_" + j.reason);
		extra.push(r === "jreason_" + j.reason ? j.reason : r);
	}
	// A jam is trouble while the job waits; once it is settled it is only history.
	if (j.jammed)
		extra.push(settled ? t("job_jammed_after") : t("job_jammed"));
	if (j.refunded)
		extra.push(t("job_refunded", {n: j.refunded}));
	const kind = (!settled && (j.jammed || j.state === "stopped")) || j.state === "aborted" ||
		j.state === "gone" ? "bad" : j.state === "printed" ? "good" : settled ? "neutral" : "busy";
	return [kind, extra.length ? `${w} (${extra.join(", ")})` : w];
}

function renderJob(j) {
	const [kind, word] = jobState(j);
	const settled = SETTLED.has(j.state) || j.settled_at;
	const canRetry = !settled && j.decision !== "refuse" && j.decision !== "cancel";
	const canCancel = !settled && j.decision !== "cancel";
	const left = (j.charged || 0) - (j.refunded || 0);
	const title = j.title || t("none");
	const actions = el("td", {class: "actions"});
	const about = "job-title-" + j.id;
	if (canRetry)
		actions.appendChild(button(t("act_retry"), "retry", () => retryJob(j), undefined, about));
	if (canCancel)
		actions.appendChild(button(t("act_cancel"), "cancel", () => cancelJob(j), undefined, about));
	if (left > 0)
		actions.appendChild(button(t("act_refund"), "refund", () => refundJob(j), undefined, about));
	// With several printers, each job says which one (and its site) it went to.
	const where = printerCount > 1 && j.printer ?
		el("span", {class: "job-printer hint"}, printerLabel(j.printer, j.site)) : null;
	return el("tr", {class: "job" + (kind === "bad" ? " row-bad" : ""),
		data: {jobId: j.id, printer: j.printer || ""}},
		el("td", null, fmtShort(j.created_at)),
		el("td", null, j.kiosk || t("none"), where ? el("br") : null, where),
		el("td", {class: "job-title", id: "job-title-" + j.id}, title),
		el("td", {class: "num"}, j.pages !== null && j.pages !== undefined ?
			t("job_pages", {pages: j.pages}) : t("none")),
		el("td", null, badge(kind, word)),
		actions);
}

function retryJob(j) {
	act("POST", `/api/v1/jobs/${j.id}/retry`, undefined, t("done_retry"));
}

async function cancelJob(j) {
	const ok = await ask({title: t("dlg_cancel_title", {title: j.title || j.id}),
		text: t("dlg_cancel_text"), ok: t("dlg_cancel_ok"), cancel: t("dlg_cancel_keep"), danger: true});
	if (ok)
		act("POST", `/api/v1/jobs/${j.id}/cancel`, undefined, t("done_cancel"));
}

async function refundJob(j) {
	const max = (j.charged || 0) - (j.refunded || 0);
	const r = await ask({title: t("dlg_refund_title", {title: j.title || j.id}), ok: t("dlg_refund_ok"),
		input: {label: t("dlg_refund_label", {max}), type: "number", value: max, min: 1, max,
			inputmode: "numeric"},
		validate: (v) => inRange(intValue(v.input), 1, max) ? "" : t("dlg_refund_bad", {max})});
	if (r) {
		const pages = intValue(r.input);
		act("POST", `/api/v1/jobs/${j.id}/refund`, {pages},
			(res) => t("done_refund", {n: res.refunded !== undefined ? res.refunded : pages}));
	}
}

// ---- active codes ----

const CODES_SHOWN = 100;
let lastCodes = null;

// The codes matching what the desk typed: the code's last digits (the list knows only
// the last two; a whole code typed is matched by its end).
function codeMatches(c, typed) {
	if (!typed)
		return true;
	const hint = String(c.hint || "").replace(/\D/g, "");
	if (!hint)
		return false;
	return typed.length >= hint.length ? typed.endsWith(hint) : hint.endsWith(typed);
}

function drawCodes(r) {
	lastCodes = r;
	const tbody = $("codes-table").tBodies[0];
	const typed = $("codes-filter").value.replace(/\D/g, "");
	// In use first: those are the ones the desk is asked about.
	const all = (r.codes || []).filter((c) => codeMatches(c, typed));
	const codes = all.filter((c) => c.in_use).concat(all.filter((c) => !c.in_use))
		.slice(0, CODES_SHOWN);
	const note = $("codes-note");
	note.hidden = all.length <= CODES_SHOWN;
	note.textContent = note.hidden ? "" : t("codes_more", {shown: CODES_SHOWN, n: all.length});
	if (!codes.length) {
		if (!tbody.querySelector(".empty") || tbody.dataset.empty !== typed) {
			emptyRow(tbody, 6, typed ? t("codes_none_match") : t("codes_empty"));
			tbody.dataset.empty = typed;
		}
		return;
	}
	reconcile(tbody, codes, (c) => c.id,
		(c) => JSON.stringify([c.hint, c.pages_left, c.valid_until, c.in_use, c.state, c.spare]),
		renderCode,
		(node, c) => {
			node.querySelector(".code-left").textContent = fmtSecondsLeft(c.seconds_left);
		});
}

function renderCode(c) {
	return el("tr", {data: {codeId: c.id}},
		el("td", {class: "code-hint", id: "code-hint-" + c.id}, t("code_hint", {hint: c.hint}),
			c.spare ? " " : null, c.spare ? badge("neutral", t("code_spare_badge")) : null),
		el("td", {class: "code-left num"}),
		el("td", {class: "num"}, String(c.pages_left)),
		el("td", null, fmtDateTime(c.valid_until)),
		el("td", null, c.in_use ? badge("busy", t("yes")) : badge("neutral", t("no"))),
		el("td", {class: "actions"},
			button(t("act_extend"), "extend", () => extendCode(c), undefined, "code-hint-" + c.id),
			button(t("act_revoke"), "revoke", () => revokeCode(c), "btn btn-small btn-danger-outline",
				"code-hint-" + c.id)));
}

async function revokeCode(c) {
	const ok = await ask({title: t("dlg_revoke_title", {hint: c.hint}), text: t("dlg_revoke_text"),
		ok: t("dlg_revoke_ok"), cancel: t("dlg_revoke_keep"), danger: true});
	if (ok)
		act("POST", "/api/v1/codes/revoke", {id: c.id}, t("done_revoke", {hint: c.hint}));
}

async function extendCode(c) {
	const r = await ask({title: t("dlg_extend_title", {hint: c.hint}), text: t("dlg_extend_text"),
		ok: t("dlg_extend_ok"),
		input: {label: t("dlg_extend_minutes"), type: "number", value: 30, min: 0, max: 1440,
			inputmode: "numeric"},
		extra: [
			{id: "pages", label: t("dlg_extend_pages"), value: 0, min: 0, max: 1000},
			{id: "days", label: t("dlg_extend_days"), value: 0, min: 0, max: 366},
		],
		validate: (v) => {
			const m = intValue(v.input || "0"), p = intValue(v.extra.pages || "0"),
				d = intValue(v.extra.days || "0");
			return inRange(m, 0, 1440) && inRange(p, 0, 1000) && inRange(d, 0, 366) && m + p + d > 0 ?
				"" : t("dlg_extend_bad");
		}});
	if (r) {
		const body = {id: c.id, minutes: intValue(r.input || "0"),
			pages: intValue(r.extra.pages || "0"), days: intValue(r.extra.days || "0")};
		act("POST", "/api/v1/codes/extend", body, t("done_extend", {hint: c.hint}));
	}
}
