// accompany: "Session accompagnée", the mediator's view (docs/API.md "Accompanied sessions"):
// a one-time code for one accompanied session, to type on a kiosk's keypad. A mediator sees
// nothing else of the centre: no code, session or kiosk of the residents.

import {t, fmtClock} from "./i18n.js";
import {state, $, api, errorText, el, clear, formError} from "./core.js";

let timer = 0;

function showCode(d) {
	const box = $("accompany-result");
	clear(box);
	const until = new Date(d.valid_until * 1000);
	box.appendChild(el("p", {class: "accompany-code", id: "accompany-code"}, d.code));
	box.appendChild(el("p", null, t("accompany_until", {time: fmtClock(until)})));
	box.appendChild(el("p", null, t("accompany_how")));
	box.hidden = false;
	clearTimeout(timer);
	// Gone from the screen once it no longer works.
	timer = setTimeout(() => {
		clear(box);
		box.hidden = true;
	}, Math.max(0, d.valid_until * 1000 - Date.now()));
}

async function issue(ev) {
	ev.preventDefault();
	const btn = $("accompany-submit");
	btn.disabled = true;
	formError($("accompany-error"), "");
	const sites = state.user && state.user.sites;
	const body = sites && sites.length > 1 ? {site: $("accompany-site").value} : undefined;
	try {
		showCode(await api("POST", "/api/v1/accompany", body));
	} catch (e) {
		formError($("accompany-error"), errorText(e));
	} finally {
		btn.disabled = false;
	}
}

export const accompany = {
	setup() {
		$("accompany-form").addEventListener("submit", issue);
	},
	reset() {
		clearTimeout(timer);
		clear($("accompany-result"));
		$("accompany-result").hidden = true;
	},
	enter() {
		// A mediator of several sites chooses where the code works.
		const sites = (state.user && state.user.sites) || [];
		const sel = $("accompany-site");
		clear(sel);
		for (const s of sites)
			sel.appendChild(el("option", {value: s}, s));
		$("accompany-site-field").hidden = sites.length < 2;
		return Promise.resolve();
	},
	refresh() {
		return Promise.resolve();
	},
};
