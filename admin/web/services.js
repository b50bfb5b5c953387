// services: the kiosks' home page services (list, add, edit, remove, order) and the
// hosts the kiosks' proxies refused today, each with a button that adds it to a service.

import {t, fmtNumber} from "./i18n.js";
import {$, api, ApiError, errorText, say, el, clear, button, reconcile, ask, formError,
	emptyRow, badge} from "./core.js";

// The home page's pictograms (common/services.c); "" is the globe.
const ICONS = ["", "famille", "emploi", "sante", "impots", "papiers", "logement", "demarches",
	"retraite"];
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

let ctx = null;
let editing = null;	// the id of the service in the form, or null when adding
let list = [];		// the services as last fetched

// The allowlist's rule (common/services.c): a domain covers its subdomains, a leading
// dot that host only.
function covers(domain, host) {
	if (domain.startsWith("."))
		return domain.slice(1) === host;
	return host === domain || host.endsWith("." + domain);
}

function coveredBy(host) {
	return list.find((s) => (s.domains || []).some((d) => covers(d, host)));
}

function nameOf(id) {
	const s = list.find((x) => x.id === id);
	return s ? s.name : id;
}

// ---- the form ----

function formValues() {
	const domains = $("service-domains").value.split(/\s+/).map((d) => d.trim().toLowerCase())
		.filter((d) => d);
	return {
		name: $("service-name").value.trim(),
		url: $("service-url").value.trim(),
		category: $("service-category").value.trim(),
		icon: $("service-icon").value,
		domains,
		intranet: $("service-intranet").checked,
		accompanied: $("service-accompanied").checked,
	};
}

// The checks the server makes, worded for the desk; "" when the values look right.
function formProblem(v) {
	if (!v.name || v.name.length > 40)
		return ["service-name", t("service_bad_name")];
	let host = "";
	try {
		const u = new URL(v.url);
		host = u.protocol === "https:" && !u.username ? u.hostname : "";
		// As the browser would send it: accents in the path as %XX, a host in IDN
		// as its xn-- name (admind takes ASCII only).
		if (host)
			v.url = u.href;
	} catch (e) {
		host = "";
	}
	if (!host)
		return ["service-url", t("service_bad_url")];
	if (v.category.length > 40)
		return ["service-category", t("service_bad_category")];
	if (!v.domains.length || v.domains.length > 32)
		return ["service-domains", t("service_bad_domains")];
	const bad = v.domains.find((d) => !HOST_RE.test(d.replace(/^\./, "")));
	if (bad)
		return ["service-domains", t("service_bad_domain", {domain: bad})];
	if (new Set(v.domains).size !== v.domains.length)
		return ["service-domains", t("service_twice")];
	if (!v.domains.some((d) => covers(d, host)))
		return ["service-domains", t("service_not_covered", {host})];
	return null;
}

function resetForm() {
	editing = null;
	for (const id of ["service-name", "service-url", "service-category", "service-domains"])
		$(id).value = "";
	$("service-icon").value = "";
	$("service-intranet").checked = false;
	$("service-accompanied").checked = false;
	$("service-form-title").textContent = t("service_add_title");
	$("service-submit").textContent = t("service_add");
	$("service-cancel").hidden = true;
	formError($("service-error"), "");
}

function startEdit(s) {
	editing = s.id;
	$("service-name").value = s.name;
	$("service-url").value = s.url;
	$("service-category").value = s.category || "";
	$("service-icon").value = ICONS.includes(s.icon) ? s.icon : "";
	$("service-domains").value = (s.domains || []).join("\n");
	$("service-intranet").checked = !!s.intranet;
	$("service-accompanied").checked = !!s.accompanied;
	$("service-form-title").textContent = t("service_edit_title", {name: s.name});
	$("service-submit").textContent = t("service_save");
	$("service-cancel").hidden = false;
	formError($("service-error"), "");
	$("service-name").focus();
}

async function submit(ev) {
	ev.preventDefault();
	const v = formValues();
	const err = $("service-error");
	for (const id of ["service-name", "service-url", "service-category", "service-domains"])
		$(id).removeAttribute("aria-invalid");
	const problem = formProblem(v);
	if (problem) {
		formError(err, problem[1]);
		$(problem[0]).setAttribute("aria-invalid", "true");
		$(problem[0]).focus();
		return;
	}
	formError(err, "");
	$("service-submit").disabled = true;
	try {
		if (editing) {
			await api("POST", `/api/v1/services/${encodeURIComponent(editing)}`, v);
			say(t("done_service_edit", {name: v.name}));
		} else {
			await api("POST", "/api/v1/services", v);
			say(t("done_service_add", {name: v.name}));
		}
		resetForm();
		ctx.refreshNow();
	} catch (e) {
		formError(err, e instanceof ApiError && e.word === "conflict" ? t("service_taken") :
			e instanceof ApiError && e.word === "limit" ? t("service_limit") : errorText(e));
	} finally {
		$("service-submit").disabled = false;
	}
}

// ---- the list ----

async function act(method, path, body, done) {
	try {
		await api(method, path, body);
		say(done);
	} catch (e) {
		say(errorText(e), "error");
	}
	ctx.refreshNow();
}

async function remove(s) {
	const ok = await ask({title: t("dlg_service_remove_title", {name: s.name}),
		text: t("dlg_service_remove_text"), ok: t("act_remove"), danger: true});
	if (ok) {
		if (editing === s.id)
			resetForm();
		act("DELETE", `/api/v1/services/${encodeURIComponent(s.id)}`, undefined,
			t("done_service_remove", {name: s.name}));
	}
}

function renderService(s, i) {
	const about = "service-name-" + s.id;
	return el("tr", {data: {serviceId: s.id}},
		el("th", {scope: "row", id: about}, s.name,
			s.intranet ? el("span", null, " ", badge("neutral", t("service_intranet_badge"))) : null,
			s.accompanied ? el("span", null, " ", badge("neutral", t("service_accompanied_badge")))
				: null),
		el("td", null, s.category || t("none")),
		el("td", {class: "domains"}, s.url),
		el("td", {class: "domains"}, (s.domains || []).join(" ")),
		el("td", {class: "actions"},
			button(t("act_edit"), "edit", () => startEdit(s), undefined, about),
			i > 0 ? button(t("act_up"), "up", () => act("POST",
				`/api/v1/services/${encodeURIComponent(s.id)}/move`, {position: i - 1},
				t("done_service_move", {name: s.name})), undefined, about) : null,
			button(t("act_remove"), "remove", () => remove(s), "btn btn-small btn-danger-outline",
				about)));
}

// ---- refusals ----

async function addDomain(host, id) {
	try {
		await api("POST", `/api/v1/services/${encodeURIComponent(id)}/domains`, {domain: host});
		say(t("done_domain_add", {host, name: nameOf(id)}));
	} catch (e) {
		say(e instanceof ApiError && e.word === "conflict" ?
			t("domain_covered", {host, name: nameOf(id)}) :
			e instanceof ApiError && e.word === "limit" ? t("domain_limit") : errorText(e), "error");
	}
	ctx.refreshNow();
}

function renderRefusal(h) {
	const asked = h.service && list.some((s) => s.id === h.service) ? h.service : null;
	const owner = coveredBy(h.host);
	let action;
	if (owner) {
		action = badge("good", t("refusal_allowed", {name: owner.name}));
	} else if (asked) {
		action = button(t("refusal_add_to", {name: nameOf(asked)}), "add-domain",
			() => addDomain(h.host, asked));
	} else if (list.length) {
		const id = "refusal-service-" + h.host.replace(/[^a-z0-9]/g, "-");
		const sel = el("select", {id, class: "refusal-service", "aria-label":
			t("refusal_choose", {host: h.host})});
		for (const s of list)
			sel.appendChild(el("option", {value: s.id}, s.name));
		action = el("div", {class: "refusal-add"}, sel,
			button(t("refusal_add"), "add-domain", () => addDomain(h.host, sel.value)));
	} else {
		action = t("none");
	}
	const who = h.service ? nameOf(h.service) : t("refusal_unknown");
	return el("tr", {data: {host: h.host}},
		el("th", {scope: "row", class: "domains"}, h.host),
		el("td", {class: "num"}, fmtNumber(h.count)),
		el("td", {class: "num"}, fmtNumber(h.kiosks)),
		el("td", null, who),
		el("td", {class: "actions"}, action));
}

export const services = {
	setup(c) {
		ctx = c;
		const sel = $("service-icon");
		for (const i of ICONS)
			sel.appendChild(el("option", {value: i}, t("icon_" + (i || "default"))));
		$("service-form").addEventListener("submit", submit);
		$("service-cancel").addEventListener("click", () => {
			resetForm();
			$("service-name").focus();
		});
	},
	reset() {
		clear($("services-table").tBodies[0]);
		clear($("refusals-table").tBodies[0]);
		$("refusals-other").hidden = true;
		list = [];
		resetForm();
	},
	enter() {
		return this.refresh(false);
	},
	async refresh(poll) {
		const [sv, rf] = await Promise.all([
			api("GET", "/api/v1/services", undefined, {poll}),
			api("GET", "/api/v1/refusals", undefined, {poll})]);
		list = sv.services || [];
		const tbody = $("services-table").tBodies[0];
		if (!list.length)
			emptyRow(tbody, 5, t("services_empty"));
		else
			reconcile(tbody, list.map((s, i) => [s, i]), ([s]) => s.id,
				([s, i]) => JSON.stringify([s, i]), ([s, i]) => renderService(s, i));
		const hosts = rf.hosts || [];
		const rbody = $("refusals-table").tBodies[0];
		const listSig = JSON.stringify(list.map((s) => [s.id, s.name, s.domains]));
		if (!hosts.length)
			emptyRow(rbody, 5, t("refusals_empty"));
		else
			reconcile(rbody, hosts, (h) => h.host, (h) => JSON.stringify([h, listSig]),
				renderRefusal);
		$("refusals-other").hidden = !rf.other;
		$("refusals-other").textContent = rf.other ? t("refusals_other", {n: fmtNumber(rf.other)}) : "";
	},
};
