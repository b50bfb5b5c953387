// admin: staff accounts (admin only) and one's own password (everyone).

import {t} from "./i18n.js";
import {state, $, api, ApiError, errorText, say, el, clear, button, reconcile, ask, formError,
	badge} from "./core.js";

const ROLES = ["secretariat", "maintenance", "admin", "mediator"];
let ctx = null;

// ---- users ----

async function userAct(path, body, done) {
	try {
		await api("POST", path, body);
		say(done);
	} catch (e) {
		if (e instanceof ApiError && e.word === "conflict")
			say(t("err_conflict_admin"), "error");
		else
			say(errorText(e), "error");
	}
	ctx.refreshNow();
}

async function setPassword(u) {
	const r = await ask({title: t("dlg_pw_title", {name: u.name}), text: t("dlg_pw_text"),
		input: {label: t("dlg_pw_label"), type: "password", value: "", maxlength: 256,
			autocomplete: "new-password"},
		validate: (v) => v.input.length >= 10 && v.input.length <= 256 ? "" : t("pw_short")});
	if (r)
		userAct(`/api/v1/users/${u.id}/password`, {password: r.input},
			t("done_password", {name: u.name}));
}

async function setRole(u) {
	const r = await ask({title: t("dlg_role_title", {name: u.name}),
		select: {label: t("dlg_role_label"), value: u.role,
			options: ROLES.map((x) => [x, t("role_" + x)])}});
	if (r && r.input !== u.role)
		userAct(`/api/v1/users/${u.id}/role`, {role: r.input},
			t("done_role", {name: u.name, role: t("role_" + r.input)}));
}

async function disable(u) {
	const ok = await ask({title: t("dlg_disable_title", {name: u.name}), text: t("dlg_disable_text"),
		ok: t("act_disable"), danger: true});
	if (ok)
		userAct(`/api/v1/users/${u.id}/disable`, undefined, t("done_disable", {name: u.name}));
}

async function enable(u) {
	const ok = await ask({title: t("dlg_enable_title", {name: u.name}), ok: t("act_enable")});
	if (ok)
		userAct(`/api/v1/users/${u.id}/enable`, undefined, t("done_enable", {name: u.name}));
}

function renderUser(u) {
	const me = state.user && u.name === state.user.name;
	const about = "user-name-" + u.id;
	const actions = el("td", {class: "actions"},
		button(t("act_password"), "password", () => setPassword(u), undefined, about),
		button(t("act_role"), "role", () => setRole(u), undefined, about),
		u.disabled ? button(t("act_enable"), "enable", () => enable(u), undefined, about) :
			button(t("act_disable"), "disable", () => disable(u), "btn btn-small btn-danger-outline",
				about));
	return el("tr", {data: {userId: u.id}, class: u.disabled ? "row-muted" : null},
		el("th", {scope: "row", id: "user-name-" + u.id}, me ? t("user_you", {name: u.name}) : u.name),
		el("td", null, t("role_" + u.role)),
		el("td", null, u.has_password === undefined ? t("none") :
			u.has_password ? t("user_has_pw") : t("user_no_pw")),
		el("td", null, u.disabled ? badge("neutral", t("user_disabled")) : badge("good", t("user_active"))),
		actions);
}

async function addUser(ev) {
	ev.preventDefault();
	const name = $("user-name").value.trim();
	const role = $("user-role").value;
	const password = $("user-password").value;
	const err = $("user-error");
	$("user-token").hidden = true;
	if (!name || name.length > 64) {
		formError(err, t("user_bad_name"));
		$("user-name").focus();
		return;
	}
	if (password && (password.length < 10 || password.length > 256)) {
		formError(err, t("user_bad_pw"));
		$("user-password").focus();
		return;
	}
	formError(err, "");
	const body = {name, role};
	if (password)
		body.password = password;
	$("user-add").disabled = true;
	try {
		const r = await api("POST", "/api/v1/users", body);
		$("user-name").value = "";
		$("user-password").value = "";
		say(t("done_user_add", {name}));
		if (r.token) {
			const box = $("user-token");
			clear(box);
			box.appendChild(el("p", null, t("user_token", {name}), el("code", {class: "token"}, r.token)));
			box.hidden = false;
		}
		ctx.refreshNow();
	} catch (e) {
		formError(err, e instanceof ApiError && e.word === "conflict" ? t("err_conflict_name") :
			errorText(e));
	} finally {
		$("user-add").disabled = false;
	}
}

export const users = {
	setup(c) {
		ctx = c;
		const sel = $("user-role");
		for (const r of ROLES)
			sel.appendChild(el("option", {value: r}, t("role_" + r)));
		$("user-form").addEventListener("submit", addUser);
	},
	reset() {
		clear($("users-table").tBodies[0]);
		clear($("user-token"));
		$("user-token").hidden = true;
		$("user-name").value = "";
		$("user-password").value = "";
		formError($("user-error"), "");
	},
	enter() {
		return this.refresh(false);
	},
	async refresh(poll) {
		const r = await api("GET", "/api/v1/users", undefined, {poll});
		const tbody = $("users-table").tBodies[0];
		reconcile(tbody, r.users || [], (u) => u.id,
			(u) => JSON.stringify([u.name, u.role, u.disabled, u.has_password]), renderUser);
	},
};

// ---- own password ----

async function changePassword(ev) {
	ev.preventDefault();
	const old = $("pw-old").value, nw = $("pw-new").value, nw2 = $("pw-new2").value;
	const err = $("pw-error");
	const fail = (text, field) => {
		formError(err, text);
		field.setAttribute("aria-invalid", "true");
		field.focus();
	};
	for (const id of ["pw-old", "pw-new", "pw-new2"])
		$(id).removeAttribute("aria-invalid");
	if (!old)
		return fail(t("pw_missing_old"), $("pw-old"));
	if (nw.length < 10 || nw.length > 256)
		return fail(t("pw_short"), $("pw-new"));
	if (nw !== nw2) {
		$("pw-new2").value = "";
		return fail(t("pw_mismatch"), $("pw-new2"));
	}
	if (nw === old)
		return fail(t("pw_same"), $("pw-new"));
	formError(err, "");
	$("pw-submit").disabled = true;
	try {
		await api("POST", "/api/v1/password", {old, new: nw});
		for (const id of ["pw-old", "pw-new", "pw-new2"])
			$(id).value = "";
		say(t("pw_done"));
	} catch (e) {
		if (e instanceof ApiError && e.word === "wrong_password") {
			$("pw-old").value = "";
			fail(t("err_wrong_password"), $("pw-old"));
		} else if (e instanceof ApiError && e.word === "bad_request") {
			fail(t("pw_short"), $("pw-new"));
		} else {
			formError(err, errorText(e));
		}
	} finally {
		$("pw-submit").disabled = false;
	}
}

export const account = {
	setup() {
		$("password-form").addEventListener("submit", changePassword);
	},
	reset() {
		for (const id of ["pw-old", "pw-new", "pw-new2"])
			$(id).value = "";
		formError($("pw-error"), "");
	},
	enter() {
		return Promise.resolve();
	},
	refresh() {
		return Promise.resolve();
	},
};
