// app: signing in and out, the menu, choosing the view from the URL fragment,
// and the live refresh of the visible view.

import {t, translatePage, fmtClock} from "./i18n.js";
import {state, $, api, ApiError, errorText, onUnauthorized, onReachability, el, clear, clearStatus,
	closeDialog, formError, loadDesk, forgetDesk} from "./core.js";
import * as desk from "./desk.js";
import * as maint from "./maint.js";
import * as stats from "./stats.js";
import {services} from "./services.js";
import {sites} from "./sites.js";
import {printers} from "./printers.js";
import * as admin from "./admin.js";
import {accompany} from "./accompany.js";

const ALL = ["secretariat", "maintenance", "admin"];

// Views in menu order: who may see them, how often they refresh, who draws them, and
// whether an account limited to some sites may (the others show every site).
const VIEWS = [
	{name: "desk", roles: ["secretariat", "admin"], every: 3000, mod: desk, scoped: true},
	{name: "kiosks", roles: ALL, every: 10000, mod: maint.kiosks, scoped: true},
	{name: "sites", roles: ["maintenance", "admin"], every: 30000, mod: sites, scoped: true},
	{name: "printers", roles: ["maintenance", "admin"], every: 10000, mod: printers, scoped: true},
	{name: "services", roles: ["maintenance", "admin"], every: 10000, mod: services},
	{name: "usage", roles: ["maintenance", "admin"], every: 10000, mod: maint.usage, scoped: true},
	{name: "stats", roles: ["maintenance", "admin"], every: 10000, mod: stats, scoped: true},
	{name: "audit", roles: ["maintenance", "admin"], every: 10000, mod: maint.audit, scoped: true},
	{name: "users", roles: ["admin"], every: 10000, mod: admin.users},
	{name: "accompany", roles: ["mediator"], every: 0, mod: accompany, scoped: true},
	{name: "account", roles: [...ALL, "mediator"], every: 0, mod: admin.account, scoped: true},
];

const current = {view: null, gen: 0, timer: 0};

function allowed(v) {
	return state.user && v.roles.includes(state.user.role) && (!state.user.sites || v.scoped);
}

function defaultView() {
	if (state.user.role === "mediator")
		return "accompany";
	return state.user.role === "maintenance" ? "kiosks" : "desk";
}

// ---- signing in ----

let lockTimer = 0;

function showLogin(message) {
	clearInterval(lockTimer);
	stopRefresh();
	closeDialog();
	for (const v of VIEWS)
		v.mod.reset();
	state.user = null;
	state.csrf = "";
	forgetDesk();
	$("centre-name").textContent = t("app_name");
	$("boot").hidden = true;
	$("shell").hidden = true;
	$("login").hidden = false;
	clear($("nav"));
	$("whoami").textContent = "";
	clearStatus();
	$("login-password").value = "";
	loginInfo("");
	formError($("login-error"), message || "");
	$("login-submit").disabled = false;
	$("login-submit").textContent = t("login_submit");
	($("login-name").value ? $("login-password") : $("login-name")).focus();
}

function showLockout(seconds) {
	clearInterval(lockTimer);
	let left = Math.max(1, Math.ceil(seconds));
	const draw = () => formError($("login-error"),
		left === 1 ? t("login_locked_1") : t("login_locked", {n: left}));
	draw();
	lockTimer = setInterval(() => {
		left--;
		if (left <= 0) {
			clearInterval(lockTimer);
			formError($("login-error"), t("login_unlocked"));
			return;
		}
		draw();
	}, 1000);
}

async function submitLogin(ev) {
	ev.preventDefault();
	const name = $("login-name").value.trim();
	const password = $("login-password").value;
	if (!name || !password) {
		formError($("login-error"), t("login_empty"));
		(name ? $("login-password") : $("login-name")).focus();
		return;
	}
	clearInterval(lockTimer);
	const btn = $("login-submit");
	btn.disabled = true;
	btn.textContent = t("login_busy");
	try {
		const me = await api("POST", "/api/v1/login", {name, password}, {noAuthRedirect: true});
		formError($("login-error"), "");
		signedIn(me, true);
	} catch (e) {
		btn.disabled = false;
		btn.textContent = t("login_submit");
		$("login-password").value = "";
		$("login-password").focus();
		if (e instanceof ApiError && (e.word === "bad_login" || e.status === 401))
			formError($("login-error"), t("login_bad"));
		else if (e instanceof ApiError && e.status === 429)
			showLockout(e.body.retry_after || 30);
		else
			formError($("login-error"), errorText(e));
	}
}

function signedIn(me, fresh) {
	state.user = {name: me.name, role: me.role, sites: me.sites || null};
	state.csrf = me.csrf || "";
	$("boot").hidden = true;
	$("login").hidden = true;
	$("shell").hidden = false;
	$("login-password").value = "";
	loginInfo("");
	$("whoami").textContent = me.sites && me.sites.length
		? t("whoami_sites", {name: me.name, role: t("role_" + me.role), sites: me.sites.join(", ")})
		: t("whoami", {name: me.name, role: t("role_" + me.role)});
	$("pw-user").value = me.name;
	buildNav();
	// The centre's name in the header, whatever the first view.
	loadDesk().then((d) => {
		if (d.centre && state.user)
			$("centre-name").textContent = d.centre;
	}, () => {});
	const want = viewFromHash();
	if (fresh && (!want || !VIEWS.some((v) => v.name === want)))
		history.replaceState(null, "", "#/" + defaultView());
	route(true);
}

async function logout() {
	try {
		await api("POST", "/api/v1/logout", undefined, {noAuthRedirect: true});
	} catch (e) {
		// The session may be gone already; the page forgets it either way.
	}
	history.replaceState(null, "", location.pathname + location.search);
	$("login-name").value = "";
	showLogin("");
	// Said calmly, in a status line rather than the error box.
	loginInfo(t("signed_out"));
}

function loginInfo(text) {
	let p = $("login-info");
	if (!p) {
		p = el("p", {id: "login-info", class: "msg msg-info", role: "status"});
		$("login-error").after(p);
	}
	p.textContent = text;
	p.hidden = !text;
}

// ---- menu and views ----

function buildNav() {
	const nav = $("nav");
	clear(nav);
	const ul = el("ul");
	for (const v of VIEWS) {
		if (!allowed(v))
			continue;
		ul.appendChild(el("li", null,
			el("a", {href: "#/" + v.name, data: {view: v.name}}, t("nav_" + v.name))));
	}
	nav.appendChild(ul);
}

function viewFromHash() {
	const m = /^#\/([a-z]+)/.exec(location.hash);
	return m ? m[1] : "";
}

// moveFocus: a person chose the view (menu, sign-in): the keyboard goes to its content.
function route(moveFocus) {
	if (!state.user)
		return;
	if (moveFocus === true)
		$("main").focus({preventScroll: true});
	let name = viewFromHash();
	let v = VIEWS.find((x) => x.name === name);
	if (!v) {
		name = defaultView();
		history.replaceState(null, "", "#/" + name);
		v = VIEWS.find((x) => x.name === name);
	}
	stopRefresh();
	closeDialog();
	for (const a of $("nav").querySelectorAll("a[data-view]")) {
		if (a.dataset.view === name)
			a.setAttribute("aria-current", "page");
		else
			a.removeAttribute("aria-current");
	}
	for (const x of VIEWS)
		$("view-" + x.name).hidden = true;
	if (!allowed(v)) {
		$("forbidden").hidden = false;
		current.view = null;
		setLive(null);
		return;
	}
	$("forbidden").hidden = true;
	$("view-" + name).hidden = false;
	const changed = current.view !== v;
	current.view = v;
	if (changed)
		clearStatus();
	const gen = ++current.gen;
	v.mod.enter().then(() => live(gen, true), (e) => live(gen, false, e))
		.finally(() => schedule(gen));
}

function schedule(gen) {
	const v = current.view;
	if (gen !== current.gen || !v || !v.every || !state.user)
		return;
	clearTimeout(current.timer);
	current.timer = setTimeout(() => {
		if (gen !== current.gen)
			return;
		v.mod.refresh(true).then(() => live(gen, true), (e) => live(gen, false, e))
			.finally(() => schedule(gen));
	}, v.every);
}

function stopRefresh() {
	current.gen++;
	clearTimeout(current.timer);
}

// After a refresh: #live says when, or that admind does not answer.
function live(gen, ok, err) {
	if (gen !== current.gen)
		return;
	if (ok)
		setLive(true);
	else if (err instanceof ApiError && err.network)
		setLive(false);
	else if (err && !(err instanceof ApiError && err.status === 401))
		console.warn("refresh:", err);
}

function setLive(ok) {
	const l = $("live");
	if (ok === null) {
		l.textContent = "";
		l.className = "live";
	} else if (ok) {
		l.textContent = t("live_at", {time: fmtClock(new Date())});
		l.className = "live live-ok";
	} else {
		l.textContent = t("live_lost");
		l.className = "live live-lost";
	}
}

// A view asks for a refresh now (after an action), keeping its rhythm.
export function refreshNow() {
	const v = current.view;
	if (!v)
		return;
	const gen = ++current.gen;
	clearTimeout(current.timer);
	v.mod.refresh(false).then(() => live(gen, true), (e) => live(gen, false, e))
		.finally(() => schedule(gen));
}

// ---- start ----

async function boot() {
	translatePage(document);
	onUnauthorized(() => {
		if (state.user)
			showLogin(t("session_expired"));
	});
	// admind down: every view says what the desk does meanwhile (spare codes).
	onReachability((ok) => {
		$("server-down").hidden = ok;
	});
	for (const v of VIEWS)
		v.mod.setup({refreshNow});
	$("login-form").addEventListener("submit", submitLogin);
	$("logout").addEventListener("click", logout);
	// The fragment names the view: the skip link moves the focus by hand instead.
	$("skip-link").addEventListener("click", (ev) => {
		ev.preventDefault();
		const target = state.user ? $("main") : $("login-name");
		target.focus();
	});
	window.addEventListener("hashchange", () => route(true));
	$("login-name").addEventListener("input", () => loginInfo(""));
	try {
		const me = await api("GET", "/api/v1/whoami", undefined, {noAuthRedirect: true});
		if (!me.csrf && me.role)
			console.warn("whoami gave no CSRF token");
		signedIn(me, !viewFromHash());
	} catch (e) {
		showLogin(e instanceof ApiError && e.status === 401 ? "" : errorText(e));
	}
}

boot();
