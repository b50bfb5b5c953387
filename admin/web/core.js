// core: what every view shares — the signed-in state, API calls, DOM building,
// the status line, the confirmation dialog and keyed list updates.

import {t} from "./i18n.js";

export const state = {
	user: null,	// {name, role}
	csrf: "",
	desk: null,	// GET /api/v1/desk, once per sign-in
};

export const $ = (id) => document.getElementById(id);

// GET /api/v1/desk once per sign-in (the centre's name, presets, ticket texts).
let deskPromise = null;
export function loadDesk() {
	if (!deskPromise) {
		const p = api("GET", "/api/v1/desk").then((d) => {
			if (deskPromise === p)	// not signed out meanwhile
				state.desk = d;
			return d;
		}, (e) => {
			if (deskPromise === p)
				deskPromise = null;
			throw e;
		});
		deskPromise = p;
	}
	return deskPromise;
}
export function forgetDesk() {
	deskPromise = null;
	state.desk = null;
}

// Called with the error when a request gets 401 (the session is over).
let unauthorizedHandler = () => {};
export function onUnauthorized(f) {
	unauthorizedHandler = f;
}

// Called with false when admind does not answer, true when it answers again.
let reachHandler = () => {};
export function onReachability(f) {
	reachHandler = f;
}

export class ApiError extends Error {
	constructor(status, word, body) {
		super(word);
		this.status = status;
		this.word = word;
		this.body = body || {};
	}
	get network() {
		return this.status === 0;
	}
}

// One API call. poll: an automatic refresh, which must not keep the session alive.
export async function api(method, path, body, opts = {}) {
	const headers = {"Accept": "application/json"};
	if (opts.poll)
		headers["X-Escale-Poll"] = "1";
	if (method !== "GET" && method !== "HEAD")
		headers["X-CSRF-Token"] = state.csrf;
	const init = {method, headers, credentials: "same-origin", cache: "no-store",
		redirect: "error"};
	if (body !== undefined) {
		headers["Content-Type"] = "application/json";
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		reachHandler(false);
		throw new ApiError(0, "network", null);
	}
	// 502-504: a proxy in front of admind answered for it.
	reachHandler(res.status < 502 || res.status > 504);
	let data = null;
	if ((res.headers.get("Content-Type") || "").includes("json")) {
		try {
			data = await res.json();
		} catch (e) {
			data = null;
		}
	}
	if (res.ok)
		return data || {};
	let word = data && typeof data.error === "string" ? data.error : "";
	if (!word)
		word = res.status >= 502 ? "network" : res.status >= 500 ? "internal" : "http_" + res.status;
	const err = new ApiError(word === "network" ? 0 : res.status, word, data);
	if (res.status === 401 && !opts.noAuthRedirect)
		unauthorizedHandler(err);
	throw err;
}

// An API error → a French sentence saying what to do next.
export function errorText(err) {
	if (!(err instanceof ApiError))
		return t("err_other", {word: String(err && err.message || err)});
	switch (err.word) {
	case "network": return t("err_network");
	case "bad_request": return t("err_bad_request");
	case "forbidden": return t("err_forbidden");
	case "not_found": return t("err_not_found");
	case "conflict": return t("err_conflict");
	case "rate_limited": return t("err_rate_limited", {n: err.body.retry_after || 30});
	case "busy": return t("err_busy");
	case "limit": return t("err_limit");
	case "printing_disabled": return t("err_printing_disabled");
	case "cups_error": return t("err_cups_error");
	case "csrf": return t("err_csrf");
	case "too_large": return t("err_too_large");
	case "internal": return t("err_internal");
	case "wrong_password": return t("err_wrong_password");
	case "unauthorized": return t("err_unauthorized");
	default: return t("err_other", {word: err.word});
	}
}

// The result of an action, in #status (role=status). kind: "ok" | "error".
let statusTimer = 0;
export function say(text, kind = "ok") {
	const s = $("status");
	clearTimeout(statusTimer);
	s.textContent = "";
	s.className = "status status-" + kind;
	// A fresh text node, so the same message twice is announced twice.
	s.appendChild(document.createTextNode(text));
	if (kind === "ok")
		statusTimer = setTimeout(() => {
			s.textContent = "";
			s.className = "status";
		}, 15000);
}

export function clearStatus() {
	clearTimeout(statusTimer);
	$("status").textContent = "";
	$("status").className = "status";
}

// el("button", {class: "btn", data: {action: "end"}, on: {click: f}}, "text", child…)
export function el(tag, props, ...children) {
	const svg = tag.startsWith("svg:");
	const e = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
		: document.createElement(tag);
	if (props) {
		for (const [k, v] of Object.entries(props)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k === "class")
				e.setAttribute("class", v);
			else if (k === "text")
				e.textContent = v;
			else if (k === "data")
				for (const [dk, dv] of Object.entries(v))
					e.dataset[dk] = String(dv);
			else if (k === "on")
				for (const [ev, f] of Object.entries(v))
					e.addEventListener(ev, f);
			else if (v === true)
				e.setAttribute(k, "");
			else
				e.setAttribute(k, String(v));
		}
	}
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		e.appendChild(typeof c === "string" || typeof c === "number" ?
			document.createTextNode(String(c)) : c);
	}
	return e;
}

export function clear(node) {
	while (node.firstChild)
		node.removeChild(node.firstChild);
}

// A row's or card's button; describedBy names what it acts on, for screen readers
// ("Terminer la session", "Poste 3").
export function button(text, action, onClick, cls = "btn btn-small", describedBy) {
	return el("button", {type: "button", class: cls, data: {action}, on: {click: onClick},
		"aria-describedby": describedBy}, text);
}

// Make container's children match items, one child per key. A child whose
// signature did not change stays as it is (so focus and screen readers are
// not disturbed by a refresh); update(node, item) may still touch it.
// If a replaced child held the focus, the same action in its successor gets it.
export function reconcile(container, items, keyOf, sigOf, render, update) {
	const old = new Map();
	for (const c of Array.from(container.children)) {
		if (c.dataset.key !== undefined)
			old.set(c.dataset.key, c);
		else
			c.remove();
	}
	const active = document.activeElement;
	let refocus = null;
	let prev = null;
	for (const item of items) {
		const key = String(keyOf(item));
		const sig = sigOf(item);
		let node = old.get(key);
		old.delete(key);
		if (!node || node.dataset.sig !== sig) {
			const fresh = render(item);
			fresh.dataset.key = key;
			fresh.dataset.sig = sig;
			if (node) {
				if (active && node.contains(active))
					refocus = {node: fresh, action: active.dataset ? active.dataset.action : null};
				node.replaceWith(fresh);
			}
			node = fresh;
		}
		if (update)
			update(node, item);
		const want = prev ? prev.nextSibling : container.firstChild;
		if (node !== want)
			container.insertBefore(node, want);
		prev = node;
	}
	for (const n of old.values()) {
		if (active && n.contains(active))
			refocus = {node: container, action: null};
		n.remove();
	}
	if (refocus) {
		const target = refocus.action ?
			refocus.node.querySelector(`[data-action="${refocus.action}"]`) : null;
		if (target)
			target.focus();
	}
}

// The dialog (dialog#dlg). opts: title, text, ok, cancel, danger,
// input: {label, type, value, min, max, maxlength} (shown in #dlg-input),
// select: {label, options: [[value, text]], value} (takes the id dlg-input),
// extra: [{id, label, type, value, min, max}], validate(values) → error text or "".
// Resolves with {input, extra: {id: value}} or null when cancelled.
let pending = null;
export function ask(opts) {
	const dlg = $("dlg");
	if (pending)
		pending(null);
	const input = $("dlg-input") && $("dlg-input").tagName === "INPUT" ? $("dlg-input") :
		document.querySelector("#dlg-field input");
	const field = $("dlg-field");
	const label = $("dlg-label");
	const extra = $("dlg-extra");
	const errBox = $("dlg-error");
	const form = $("dlg-form");
	const ok = $("dlg-ok");
	const cancel = $("dlg-cancel");

	// Put the plain input back in place (a role question may have swapped in a select).
	const oldSelect = field.querySelector("select");
	if (oldSelect)
		oldSelect.remove();
	input.id = "dlg-input";
	input.hidden = false;

	$("dlg-title").textContent = opts.title || "";
	$("dlg-text").textContent = opts.text || "";
	$("dlg-text").hidden = !opts.text;
	errBox.hidden = true;
	errBox.textContent = "";
	ok.textContent = opts.ok || t("ok");
	cancel.textContent = opts.cancel || t("cancel");
	ok.className = "btn " + (opts.danger ? "btn-danger" : "btn-primary");
	clear(extra);

	let select = null;
	if (opts.input) {
		field.hidden = false;
		label.textContent = opts.input.label;
		input.type = opts.input.type || "text";
		input.value = opts.input.value !== undefined ? String(opts.input.value) : "";
		for (const a of ["min", "max", "maxlength", "inputmode", "autocomplete"]) {
			if (opts.input[a] !== undefined)
				input.setAttribute(a, String(opts.input[a]));
			else
				input.removeAttribute(a);
		}
	} else if (opts.select) {
		field.hidden = false;
		label.textContent = opts.select.label;
		input.hidden = true;
		input.id = "dlg-input-text";
		select = el("select", {id: "dlg-input"});
		for (const [v, txt] of opts.select.options)
			select.appendChild(el("option", {value: v, selected: v === opts.select.value}, txt));
		field.appendChild(select);
	} else {
		field.hidden = true;
		input.hidden = true;
		input.value = "";
	}
	const extraInputs = {};
	for (const x of opts.extra || []) {
		const id = "dlg-" + x.id;
		const inp = el("input", {id, type: x.type || "number", value: x.value,
			min: x.min, max: x.max, inputmode: x.type === "number" || !x.type ? "numeric" : null});
		extraInputs[x.id] = inp;
		extra.appendChild(el("div", {class: "field"}, el("label", {for: id}, x.label), inp));
	}

	const values = () => {
		const v = {input: select ? select.value : input.value, extra: {}};
		for (const [k, inp] of Object.entries(extraInputs))
			v.extra[k] = inp.value;
		return v;
	};

	return new Promise((resolve) => {
		const finish = (result) => {
			form.removeEventListener("submit", onSubmit);
			cancel.removeEventListener("click", onCancel);
			dlg.removeEventListener("cancel", onCancel);
			pending = null;
			if (dlg.open)
				dlg.close();
			// Nothing typed (a password) stays in the page once answered.
			input.value = "";
			for (const inp of Object.values(extraInputs))
				inp.value = "";
			resolve(result);
		};
		const onSubmit = (ev) => {
			ev.preventDefault();
			const v = values();
			const problem = opts.validate ? opts.validate(v) : "";
			if (problem) {
				errBox.textContent = problem;
				errBox.hidden = false;
				(select || (opts.input ? input : ok)).focus();
				return;
			}
			finish(v);
		};
		const onCancel = (ev) => {
			ev.preventDefault();
			finish(null);
		};
		pending = finish;
		form.addEventListener("submit", onSubmit);
		cancel.addEventListener("click", onCancel);
		dlg.addEventListener("cancel", onCancel);
		if (!dlg.open)
			dlg.showModal();
		if (select)
			select.focus();
		else if (opts.input) {
			input.focus();
			input.select();
		} else
			(opts.danger ? cancel : ok).focus();
	});
}

export function closeDialog() {
	if (pending)
		pending(null);
}

// Integer from a form field, or NaN.
export function intValue(v) {
	const s = String(v).trim();
	return /^\d{1,9}$/.test(s) ? parseInt(s, 10) : NaN;
}

export function inRange(n, lo, hi) {
	return Number.isInteger(n) && n >= lo && n <= hi;
}

// Local calendar day as "YYYY-MM-DD", days from today.
export function isoDay(offsetDays = 0) {
	const d = new Date();
	d.setDate(d.getDate() + offsetDays);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// Show a message in a form's own role=alert box (empty text hides it).
export function formError(box, text) {
	box.textContent = text || "";
	box.hidden = !text;
}

// A row or line saying "nothing here", for an empty table body.
export function emptyRow(tbody, cols, text) {
	clear(tbody);
	tbody.appendChild(el("tr", {class: "empty"}, el("td", {colspan: cols}, text)));
}

// A state word with its colour class and a symbol, so colour is never alone.
export function badge(kind, text) {
	return el("span", {class: "badge badge-" + kind}, text);
}
