// i18n: every word the page shows, in French (first) and English, and the date formats.

const fr = {
	app_title: "escale — accueil",
	app_name: "escale",
	skip: "Aller au contenu",
	loading: "Chargement…",
	login_intro: "Connectez-vous avec votre nom et votre mot de passe.",
	login_name: "Nom",
	login_password: "Mot de passe",
	login_submit: "Se connecter",
	login_busy: "Connexion…",
	login_bad: "Nom ou mot de passe incorrect.",
	login_empty: "Écrivez votre nom et votre mot de passe.",
	login_locked: "Trop d'essais. Réessayez dans {n} secondes.",
	login_locked_1: "Trop d'essais. Réessayez dans 1 seconde.",
	login_unlocked: "Vous pouvez réessayer maintenant.",
	session_expired: "Votre session a expiré, reconnectez-vous.",
	signed_out: "Vous êtes déconnecté.",
	logout: "Se déconnecter",
	whoami: "{name} ({role})",
	nav_label: "Menu",
	nav_desk: "Accueil",
	nav_kiosks: "Postes",
	nav_usage: "Utilisation",
	nav_stats: "Statistiques",
	nav_audit: "Journal",
	nav_users: "Comptes",
	nav_account: "Mon compte",
	role_secretariat: "secrétariat",
	role_maintenance: "maintenance",
	role_admin: "administration",
	forbidden_title: "Accès réservé",
	forbidden_text: "Cette page est réservée à d'autres rôles. Choisissez une page dans le menu.",
	live_at: "Mis à jour à {time}",
	live_lost: "Connexion perdue, nouvelle tentative…",
	ok: "Valider",
	cancel: "Annuler",
	yes: "Oui",
	no: "Non",
	apply: "Afficher",
	none: "—",
	date_from: "Du",
	date_to: "Au (inclus)",
	date_order: "La date de début doit précéder la date de fin.",

	// Table headings
	col_when: "Heure",
	col_kiosk: "Poste",
	col_document: "Document",
	col_pages: "Pages",
	col_state: "État",
	col_actions: "Actions",
	col_code: "Code",
	col_time_left: "Temps restant",
	col_pages_left: "Pages restantes",
	col_valid_until: "Valable jusqu'au",
	col_in_use: "Utilisé",
	col_name: "Nom",
	col_site: "Site",
	col_last_seen: "Dernier signal",
	col_version: "Version",
	col_address: "Adresse",
	col_start: "Début",
	col_end: "Fin",
	col_duration: "Durée",
	col_end_reason: "Fin de session",
	col_offline: "Hors ligne",
	col_printed: "Imprimées",
	col_refused: "Refusées",
	col_refunded: "Rendues",
	col_user: "Personne",
	col_action: "Action",
	col_target: "Sur",
	col_detail: "Détail",
	col_role: "Rôle",
	col_password: "Mot de passe",
	col_account: "Compte",

	// Errors: what happened and what to do next.
	err_network: "Le serveur ne répond pas. Vérifiez le réseau ; la page réessaie toute seule.",
	err_bad_request: "Une valeur n'est pas acceptée. Vérifiez ce que vous avez saisi.",
	err_forbidden: "Votre compte n'a pas le droit de faire cela. Demandez à un administrateur.",
	err_not_found: "Introuvable : la liste a changé entre-temps. Elle vient d'être mise à jour.",
	err_conflict: "Impossible : c'est déjà fait ou la situation a changé. La liste vient d'être mise à jour.",
	err_conflict_admin: "Impossible : il doit rester au moins un administrateur actif.",
	err_conflict_name: "Ce nom est déjà pris. Choisissez-en un autre.",
	err_rate_limited: "Trop de demandes. Réessayez dans {n} secondes.",
	err_printing_disabled: "L'impression n'est pas activée sur ce serveur.",
	err_cups_error: "Le serveur d'impression ne répond pas. Vérifiez que l'imprimante est allumée, puis réessayez.",
	err_csrf: "Rechargez la page (touche F5), puis recommencez.",
	err_too_large: "C'est trop long. Raccourcissez le texte.",
	err_internal: "Erreur du serveur. Réessayez dans un moment ; si cela continue, prévenez la maintenance.",
	err_wrong_password: "Le mot de passe actuel n'est pas le bon.",
	err_unauthorized: "Votre session a expiré, reconnectez-vous.",
	err_other: "Cela n'a pas marché ({word}). Réessayez ; si cela continue, prévenez la maintenance.",

	// Desk: new code
	code_title: "Nouveau code",
	presets_label: "Durées proposées",
	preset: "{time} · {pages}",
	code_count: "Nombre de codes",
	code_minutes: "Minutes",
	code_pages: "Pages",
	code_days: "Valable (jours)",
	code_issue: "Créer le code",
	code_issue_n: "Créer {n} codes",
	code_bad_count: "Le nombre de codes va de 1 à {max}.",
	code_bad_minutes: "Les minutes vont de 1 à 1440 (24 heures).",
	code_bad_pages: "Les pages vont de 0 à 1000.",
	code_bad_days: "La validité va de 1 à 366 jours.",
	code_issued_1: "Code créé. Imprimez le ticket ou recopiez le code.",
	code_issued_n: "{n} codes créés. Imprimez les tickets.",
	tickets_title: "Tickets à imprimer",
	tickets_empty: "Les nouveaux codes apparaissent ici, prêts à imprimer.",
	print_a4: "Imprimer (feuille A4)",
	print_receipt: "Imprimer (ticket de caisse)",
	ticket_intro: "Votre code pour les ordinateurs en accès libre",
	ticket_how: "Tapez ce code sur l'écran de l'ordinateur, puis appuyez sur « Entrer ».",
	ticket_time: "Temps : {time}",
	ticket_pages: "Impression : {pages}",
	ticket_until: "À utiliser avant le {date}",
	ticket_services: "Sites ouverts : {list}",
	ticket_rules: "À savoir",
	ticket_code_label: "Code",

	// Kiosk grid
	grid_title: "Postes",
	grid_empty: "Aucun poste n'est encore enregistré.",
	kstate_free: "Libre",
	kstate_session: "Occupé",
	kstate_offline: "Éteint ou hors réseau",
	kstate_locked: "Verrouillé",
	kstate_closed: "Fermé (hors horaires)",
	kstate_ending: "Se termine",
	kstate_revoked: "Retiré",
	kstate_unknown: "Pas encore de nouvelles",
	kiosk_left: "Reste {time}",
	kiosk_seen: "Vu {ago}",
	kiosk_never: "Jamais connecté",
	act_end: "Terminer la session",
	act_add_time: "Ajouter du temps",
	act_message: "Envoyer un message",
	act_lock: "Verrouiller",
	act_unlock: "Déverrouiller",
	dlg_end_title: "Terminer la session sur {kiosk} ?",
	dlg_end_text: "La personne sera déconnectée tout de suite. Ce qu'elle n'a pas enregistré sera perdu.",
	dlg_end_ok: "Terminer la session",
	dlg_add_title: "Ajouter du temps sur {kiosk}",
	dlg_add_label: "Minutes à ajouter (1 à 480)",
	dlg_add_bad: "Écrivez un nombre de minutes entre 1 et 480.",
	dlg_msg_title: "Message pour {kiosk}",
	dlg_msg_label: "Texte affiché à l'écran (500 caractères au plus)",
	dlg_msg_bad: "Écrivez un message (500 caractères au plus).",
	dlg_msg_ok: "Envoyer",
	dlg_lock_title: "Verrouiller {kiosk} ?",
	dlg_lock_text: "Plus personne ne pourra s'en servir jusqu'au déverrouillage. Une session en cours sera terminée.",
	dlg_lock_label: "Texte affiché sur l'écran verrouillé",
	dlg_lock_default: "Poste en maintenance. Merci de vous adresser à l'accueil.",
	dlg_unlock_title: "Déverrouiller {kiosk} ?",
	done_end: "Session terminée sur {kiosk}.",
	done_add_time: "{n} minutes ajoutées sur {kiosk}.",
	done_message: "Message envoyé à {kiosk}.",
	done_lock: "{kiosk} va se verrouiller.",
	done_unlock: "{kiosk} va se déverrouiller.",

	// Printers and jobs
	printers_title: "Imprimantes",
	printers_empty: "Aucune imprimante n'est configurée.",
	printing_off: "L'impression n'est pas activée. Les postes n'impriment pas ; rien à surveiller ici.",
	pstate_idle: "Prête",
	pstate_processing: "Imprime",
	pstate_stopped: "Arrêtée",
	pstate_unreachable: "Injoignable",
	pstate_unknown_queue: "File d'impression inconnue",
	pstate_unknown: "État pas encore connu",
	alert_jam: "Bourrage papier",
	alert_empty: "Plus de papier",
	alert_door: "Capot ouvert",
	alert_stopped: "Imprimante arrêtée",
	alert_unreachable: "Imprimante injoignable",
	alert_stuck: "Une impression est bloquée",
	alert_attention: "L'imprimante demande une intervention",
	alert_help_jam: "Retirez la feuille coincée, refermez l'imprimante, puis appuyez sur « Relancer l'imprimante ».",
	alert_help_empty: "Remettez du papier, puis appuyez sur « Relancer l'imprimante ».",
	alert_help_door: "Refermez le capot, puis appuyez sur « Relancer l'imprimante ».",
	alert_help_unreachable: "Vérifiez que l'imprimante est allumée et branchée.",
	alert_help_other: "Vérifiez l'imprimante, puis appuyez sur « Relancer l'imprimante ».",
	printer_waiting: "{n} en attente",
	printer_not_accepting: "Refuse les nouvelles impressions",
	act_resume: "Relancer l'imprimante",
	done_resume: "Imprimante {printer} relancée.",
	jobs_title: "Impressions",
	jobs_empty: "Aucune impression récente.",
	refund_rule: "Les pages qui ne sortent pas (bourrage, annulation) sont rendues toutes seules. Une page abîmée ou mal imprimée : vous pouvez la rendre avec « Rendre les pages ».",
	jstate_released: "Envoyée",
	jstate_queued: "En attente",
	jstate_printing: "En cours",
	jstate_stopped: "Bloquée",
	jstate_printed: "Imprimée",
	jstate_cancelled: "Annulée",
	jstate_aborted: "Échouée",
	jstate_refused: "Refusée",
	jstate_gone: "Perdue",
	jstate_held: "Retenue",
	jreason_quota: "plus assez de pages",
	jreason_damaged: "document illisible",
	jreason_empty: "document vide",
	jreason_bad_options: "options non acceptées",
	jreason_no_session: "pas de session",
	jreason_unknown_kiosk: "poste inconnu",
	jreason_ambiguous_kiosk: "poste incertain",
	jreason_session_ended: "session terminée",
	jreason_staff: "par l'accueil",
	jreason_options_changed: "plus de pages demandées",
	jreason_not_held: "envoyée sans attente",
	job_jammed: "bourrage",
	job_pages: "{pages} p.",
	job_refunded: "{n} rendue(s)",
	act_retry: "Réimprimer",
	act_cancel: "Annuler l'impression",
	act_refund: "Rendre les pages",
	dlg_cancel_title: "Annuler l'impression « {title} » ?",
	dlg_cancel_text: "Les pages qui ne sont pas sorties seront rendues.",
	dlg_cancel_ok: "Annuler l'impression",
	dlg_cancel_keep: "Garder",
	dlg_refund_title: "Rendre des pages pour « {title} »",
	dlg_refund_label: "Nombre de pages à rendre (au plus {max})",
	dlg_refund_bad: "Écrivez un nombre de pages entre 1 et {max}.",
	dlg_refund_ok: "Rendre",
	done_retry: "Le document va être réimprimé depuis le début.",
	done_cancel: "Impression annulée ; les pages non imprimées seront rendues.",
	done_refund: "{n} page(s) rendue(s).",

	// Active codes
	codes_title: "Codes en cours",
	codes_empty: "Aucun code en cours.",
	codes_filter: "Chercher un code (ses derniers chiffres)",
	codes_none_match: "Aucun code en cours ne finit par ces chiffres.",
	codes_more: "{shown} codes affichés sur {n} : tapez les derniers chiffres d'un code pour le trouver.",
	code_hint: "{hint}",
	act_revoke: "Annuler le code",
	act_extend: "Prolonger",
	dlg_revoke_title: "Annuler le code {hint} ?",
	dlg_revoke_text: "Le code ne marchera plus. Une session ouverte avec lui sera terminée.",
	dlg_revoke_ok: "Annuler le code",
	dlg_revoke_keep: "Garder le code",
	dlg_extend_title: "Prolonger le code {hint}",
	dlg_extend_text: "Écrivez ce qu'il faut ajouter (0 pour ne rien ajouter).",
	dlg_extend_minutes: "Minutes à ajouter (0 à 1440)",
	dlg_extend_pages: "Pages à ajouter (0 à 1000)",
	dlg_extend_days: "Jours de validité à ajouter (0 à 366)",
	dlg_extend_bad: "Écrivez des nombres : minutes 0 à 1440, pages 0 à 1000, jours 0 à 366, et pas tous à 0.",
	dlg_extend_ok: "Prolonger",
	done_revoke: "Code {hint} annulé.",
	done_extend: "Code {hint} prolongé.",

	// Kiosks view
	kiosks_empty: "Aucun poste n'est encore enregistré.",
	never: "jamais",

	// Usage
	download_csv: "Télécharger (CSV, tableur)",
	download_json: "Télécharger (JSON)",
	usage_count: "{n} session(s) du {from} au {to}.",
	usage_empty: "Aucune session sur cette période.",
	usage_more: "Le tableau montre les {shown} premières ; le fichier téléchargé les contient toutes.",
	reason_user: "par la personne",
	reason_expired: "temps écoulé",
	reason_idle: "inactivité",
	reason_closing: "fermeture",
	reason_staff: "par l'accueil",
	reason_browser: "navigateur fermé",
	reason_restart: "redémarrage",
	reason_locked: "verrouillage",
	reason_error: "erreur",
	reason_replaced: "nouvelle session",
	reason_stale: "poste muet",
	reason_lost: "perdue",
	reason_revoked: "poste retiré",
	reason_active: "en cours",

	// Stats
	chart_day: "Sessions par jour",
	chart_hour: "Sessions selon l'heure de début",
	chart_duration: "Durée des sessions",
	chart_kiosk: "Pages par poste",
	chart_site: "Pages par site",
	chart_empty: "Pas de données sur cette période.",
	chart_sessions: "sessions",
	chart_pages: "pages",
	chart_day_axis: "jour",
	chart_hour_axis: "heure",
	chart_duration_axis: "durée",
	chart_kiosk_axis: "poste",
	chart_site_axis: "site",
	chart_bar_sessions: "{label} : {n} session(s)",
	chart_bar_pages: "{label} : {n} page(s)",
	hour_label: "{h} h",
	no_site: "(sans site)",
	tot_sessions: "Sessions",
	tot_minutes: "Temps total",
	tot_mean: "Durée moyenne",
	tot_median: "Durée médiane",
	tot_pages: "Pages comptées",
	tot_printed: "Pages imprimées",
	tot_refused: "Pages refusées",
	tot_refunded: "Pages rendues",

	// Audit
	audit_intro: "Les 200 dernières actions du personnel, la plus récente en haut.",
	audit_empty: "Le journal est vide.",

	// Users
	user_add_title: "Ajouter un compte",
	user_password: "Mot de passe (10 caractères ou plus)",
	user_add: "Ajouter",
	user_has_pw: "oui",
	user_no_pw: "non (jeton seulement)",
	user_active: "actif",
	user_disabled: "désactivé",
	user_you: "{name} (vous)",
	user_bad_name: "Écrivez un nom (64 caractères au plus).",
	user_bad_pw: "Le mot de passe doit avoir 10 caractères ou plus (ou laissez vide).",
	user_token: "Jeton d'accès pour les scripts de {name}, affiché une seule fois : ",
	act_password: "Changer le mot de passe",
	act_role: "Changer le rôle",
	act_disable: "Désactiver",
	act_enable: "Réactiver",
	dlg_pw_title: "Nouveau mot de passe pour {name}",
	dlg_pw_label: "Mot de passe (10 caractères ou plus)",
	dlg_pw_text: "Ses sessions ouvertes sur cette page seront fermées.",
	dlg_role_title: "Rôle de {name}",
	dlg_role_label: "Nouveau rôle",
	dlg_disable_title: "Désactiver le compte {name} ?",
	dlg_disable_text: "Cette personne ne pourra plus se connecter.",
	dlg_enable_title: "Réactiver le compte {name} ?",
	done_user_add: "Compte {name} ajouté.",
	done_password: "Mot de passe de {name} changé.",
	done_role: "{name} a maintenant le rôle {role}.",
	done_disable: "Compte {name} désactivé.",
	done_enable: "Compte {name} réactivé.",

	// Account
	pw_title: "Changer mon mot de passe",
	pw_old: "Mot de passe actuel",
	pw_new: "Nouveau mot de passe (10 caractères ou plus)",
	pw_new2: "Nouveau mot de passe, encore une fois",
	pw_submit: "Changer le mot de passe",
	pw_missing_old: "Écrivez votre mot de passe actuel.",
	pw_short: "Le nouveau mot de passe doit avoir 10 caractères ou plus.",
	pw_mismatch: "Les deux nouveaux mots de passe ne sont pas identiques. Retapez-les.",
	pw_same: "Le nouveau mot de passe doit être différent de l'actuel.",
	pw_done: "Mot de passe changé. Vos autres connexions ont été fermées.",

	// Durations
	dur_min: "{m} min",
	dur_h: "{h} h",
	dur_hm: "{h} h {mm}",
	pages_n: "{n} pages",
	pages_1: "1 page",
	pages_0: "pas d'impression",
	ago_now: "à l'instant",
	ago_s: "il y a {n} s",
	ago_min: "il y a {n} min",
	ago_h: "il y a {n} h",
	ago_d: "il y a {n} j",
};

const en = {
	app_title: "escale — desk",
	app_name: "escale",
	skip: "Skip to content",
	loading: "Loading…",
	login_intro: "Sign in with your name and password.",
	login_name: "Name",
	login_password: "Password",
	login_submit: "Sign in",
	login_busy: "Signing in…",
	login_bad: "Wrong name or password.",
	login_empty: "Type your name and your password.",
	login_locked: "Too many tries. Try again in {n} seconds.",
	login_locked_1: "Too many tries. Try again in 1 second.",
	login_unlocked: "You can try again now.",
	session_expired: "Your session has expired, please sign in again.",
	signed_out: "You are signed out.",
	logout: "Sign out",
	whoami: "{name} ({role})",
	nav_label: "Menu",
	nav_desk: "Desk",
	nav_kiosks: "Kiosks",
	nav_usage: "Usage",
	nav_stats: "Statistics",
	nav_audit: "Audit log",
	nav_users: "Accounts",
	nav_account: "My account",
	role_secretariat: "desk",
	role_maintenance: "maintenance",
	role_admin: "admin",
	forbidden_title: "Restricted",
	forbidden_text: "This page is reserved for other roles. Choose a page in the menu.",
	live_at: "Updated at {time}",
	live_lost: "Connection lost, trying again…",
	ok: "OK",
	cancel: "Cancel",
	yes: "Yes",
	no: "No",
	apply: "Show",
	none: "—",
	date_from: "From",
	date_to: "To (included)",
	date_order: "The start date must come before the end date.",

	col_when: "Time",
	col_kiosk: "Kiosk",
	col_document: "Document",
	col_pages: "Pages",
	col_state: "State",
	col_actions: "Actions",
	col_code: "Code",
	col_time_left: "Time left",
	col_pages_left: "Pages left",
	col_valid_until: "Valid until",
	col_in_use: "In use",
	col_name: "Name",
	col_site: "Site",
	col_last_seen: "Last seen",
	col_version: "Version",
	col_address: "Address",
	col_start: "Start",
	col_end: "End",
	col_duration: "Length",
	col_end_reason: "Ended by",
	col_offline: "Offline",
	col_printed: "Printed",
	col_refused: "Refused",
	col_refunded: "Refunded",
	col_user: "Who",
	col_action: "Action",
	col_target: "On",
	col_detail: "Detail",
	col_role: "Role",
	col_password: "Password",
	col_account: "Account",

	err_network: "The server does not answer. Check the network; the page keeps trying.",
	err_bad_request: "A value was not accepted. Check what you typed.",
	err_forbidden: "Your account may not do this. Ask an administrator.",
	err_not_found: "Not found: the list changed meanwhile. It has just been refreshed.",
	err_conflict: "Not possible: already done, or things changed. The list has just been refreshed.",
	err_conflict_admin: "Not possible: at least one active administrator must remain.",
	err_conflict_name: "This name is taken. Choose another one.",
	err_rate_limited: "Too many requests. Try again in {n} seconds.",
	err_printing_disabled: "Printing is not enabled on this server.",
	err_cups_error: "The print server does not answer. Check that the printer is on, then try again.",
	err_csrf: "Reload the page (F5 key), then try again.",
	err_too_large: "This is too long. Shorten the text.",
	err_internal: "Server error. Try again in a moment; if it goes on, tell maintenance.",
	err_wrong_password: "The current password is not right.",
	err_unauthorized: "Your session has expired, please sign in again.",
	err_other: "That did not work ({word}). Try again; if it goes on, tell maintenance.",

	code_title: "New code",
	presets_label: "Suggested durations",
	preset: "{time} · {pages}",
	code_count: "Number of codes",
	code_minutes: "Minutes",
	code_pages: "Pages",
	code_days: "Valid for (days)",
	code_issue: "Create the code",
	code_issue_n: "Create {n} codes",
	code_bad_count: "The number of codes goes from 1 to {max}.",
	code_bad_minutes: "Minutes go from 1 to 1440 (24 hours).",
	code_bad_pages: "Pages go from 0 to 1000.",
	code_bad_days: "Validity goes from 1 to 366 days.",
	code_issued_1: "Code created. Print the ticket or copy the code.",
	code_issued_n: "{n} codes created. Print the tickets.",
	tickets_title: "Tickets to print",
	tickets_empty: "New codes show up here, ready to print.",
	print_a4: "Print (A4 sheet)",
	print_receipt: "Print (receipt printer)",
	ticket_intro: "Your code for the public computers",
	ticket_how: "Type this code on the computer's screen, then press “Enter”.",
	ticket_time: "Time: {time}",
	ticket_pages: "Printing: {pages}",
	ticket_until: "Use before {date}",
	ticket_services: "Open sites: {list}",
	ticket_rules: "Good to know",
	ticket_code_label: "Code",

	grid_title: "Kiosks",
	grid_empty: "No kiosk is enrolled yet.",
	kstate_free: "Free",
	kstate_session: "In use",
	kstate_offline: "Off or offline",
	kstate_locked: "Locked",
	kstate_closed: "Closed (outside hours)",
	kstate_ending: "Ending",
	kstate_revoked: "Removed",
	kstate_unknown: "No news yet",
	kiosk_left: "{time} left",
	kiosk_seen: "Seen {ago}",
	kiosk_never: "Never connected",
	act_end: "End the session",
	act_add_time: "Add time",
	act_message: "Send a message",
	act_lock: "Lock",
	act_unlock: "Unlock",
	dlg_end_title: "End the session on {kiosk}?",
	dlg_end_text: "The person is signed out at once. Anything not saved is lost.",
	dlg_end_ok: "End the session",
	dlg_add_title: "Add time on {kiosk}",
	dlg_add_label: "Minutes to add (1 to 480)",
	dlg_add_bad: "Type a number of minutes from 1 to 480.",
	dlg_msg_title: "Message for {kiosk}",
	dlg_msg_label: "Text shown on the screen (at most 500 characters)",
	dlg_msg_bad: "Type a message (at most 500 characters).",
	dlg_msg_ok: "Send",
	dlg_lock_title: "Lock {kiosk}?",
	dlg_lock_text: "Nobody can use it until it is unlocked. A session in progress is ended.",
	dlg_lock_label: "Text shown on the locked screen",
	dlg_lock_default: "Out of order. Please ask at the desk.",
	dlg_unlock_title: "Unlock {kiosk}?",
	done_end: "Session ended on {kiosk}.",
	done_add_time: "{n} minutes added on {kiosk}.",
	done_message: "Message sent to {kiosk}.",
	done_lock: "{kiosk} will lock.",
	done_unlock: "{kiosk} will unlock.",

	printers_title: "Printers",
	printers_empty: "No printer is configured.",
	printing_off: "Printing is not enabled. The kiosks do not print; nothing to watch here.",
	pstate_idle: "Ready",
	pstate_processing: "Printing",
	pstate_stopped: "Stopped",
	pstate_unreachable: "Unreachable",
	pstate_unknown_queue: "Unknown print queue",
	pstate_unknown: "State not known yet",
	alert_jam: "Paper jam",
	alert_empty: "Out of paper",
	alert_door: "Cover open",
	alert_stopped: "Printer stopped",
	alert_unreachable: "Printer unreachable",
	alert_stuck: "A print job is stuck",
	alert_attention: "The printer needs attention",
	alert_help_jam: "Remove the stuck sheet, close the printer, then press “Resume the printer”.",
	alert_help_empty: "Add paper, then press “Resume the printer”.",
	alert_help_door: "Close the cover, then press “Resume the printer”.",
	alert_help_unreachable: "Check that the printer is on and plugged in.",
	alert_help_other: "Check the printer, then press “Resume the printer”.",
	printer_waiting: "{n} waiting",
	printer_not_accepting: "Refuses new jobs",
	act_resume: "Resume the printer",
	done_resume: "Printer {printer} resumed.",
	jobs_title: "Print jobs",
	jobs_empty: "No recent print job.",
	refund_rule: "Pages that do not come out (jam, cancelled job) are refunded by themselves. A spoilt page: refund it with “Refund pages”.",
	jstate_released: "Sent",
	jstate_queued: "Waiting",
	jstate_printing: "Printing",
	jstate_stopped: "Stuck",
	jstate_printed: "Printed",
	jstate_cancelled: "Cancelled",
	jstate_aborted: "Failed",
	jstate_refused: "Refused",
	jstate_gone: "Lost",
	jstate_held: "Held",
	jreason_quota: "not enough pages",
	jreason_damaged: "unreadable document",
	jreason_empty: "empty document",
	jreason_bad_options: "options not accepted",
	jreason_no_session: "no session",
	jreason_unknown_kiosk: "unknown kiosk",
	jreason_ambiguous_kiosk: "uncertain kiosk",
	jreason_session_ended: "session ended",
	jreason_staff: "by the desk",
	jreason_options_changed: "more pages asked",
	jreason_not_held: "sent without hold",
	job_jammed: "jam",
	job_pages: "{pages} p.",
	job_refunded: "{n} refunded",
	act_retry: "Print again",
	act_cancel: "Cancel the job",
	act_refund: "Refund pages",
	dlg_cancel_title: "Cancel the job “{title}”?",
	dlg_cancel_text: "Pages that did not come out are refunded.",
	dlg_cancel_ok: "Cancel the job",
	dlg_cancel_keep: "Keep",
	dlg_refund_title: "Refund pages for “{title}”",
	dlg_refund_label: "Pages to refund (at most {max})",
	dlg_refund_bad: "Type a number of pages from 1 to {max}.",
	dlg_refund_ok: "Refund",
	done_retry: "The document prints again from its start.",
	done_cancel: "Job cancelled; pages not printed will be refunded.",
	done_refund: "{n} page(s) refunded.",

	codes_title: "Active codes",
	codes_empty: "No active code.",
	codes_filter: "Find a code (its last digits)",
	codes_none_match: "No active code ends with these digits.",
	codes_more: "{shown} codes shown of {n}: type a code's last digits to find it.",
	code_hint: "{hint}",
	act_revoke: "Revoke the code",
	act_extend: "Extend",
	dlg_revoke_title: "Revoke the code {hint}?",
	dlg_revoke_text: "The code stops working. A session open with it is ended.",
	dlg_revoke_ok: "Revoke the code",
	dlg_revoke_keep: "Keep the code",
	dlg_extend_title: "Extend the code {hint}",
	dlg_extend_text: "Type what to add (0 to add nothing).",
	dlg_extend_minutes: "Minutes to add (0 to 1440)",
	dlg_extend_pages: "Pages to add (0 to 1000)",
	dlg_extend_days: "Days of validity to add (0 to 366)",
	dlg_extend_bad: "Type numbers: minutes 0 to 1440, pages 0 to 1000, days 0 to 366, not all 0.",
	dlg_extend_ok: "Extend",
	done_revoke: "Code {hint} revoked.",
	done_extend: "Code {hint} extended.",

	kiosks_empty: "No kiosk is enrolled yet.",
	never: "never",

	download_csv: "Download (CSV, spreadsheet)",
	download_json: "Download (JSON)",
	usage_count: "{n} session(s) from {from} to {to}.",
	usage_empty: "No session in this period.",
	usage_more: "The table shows the first {shown}; the downloaded file has them all.",
	reason_user: "by the person",
	reason_expired: "time up",
	reason_idle: "idle",
	reason_closing: "closing time",
	reason_staff: "by the desk",
	reason_browser: "browser closed",
	reason_restart: "restart",
	reason_locked: "locked",
	reason_error: "error",
	reason_replaced: "new session",
	reason_stale: "kiosk silent",
	reason_lost: "lost",
	reason_revoked: "kiosk removed",
	reason_active: "in progress",

	chart_day: "Sessions per day",
	chart_hour: "Sessions by starting hour",
	chart_duration: "Session lengths",
	chart_kiosk: "Pages per kiosk",
	chart_site: "Pages per site",
	chart_empty: "No data in this period.",
	chart_sessions: "sessions",
	chart_pages: "pages",
	chart_day_axis: "day",
	chart_hour_axis: "hour",
	chart_duration_axis: "length",
	chart_kiosk_axis: "kiosk",
	chart_site_axis: "site",
	chart_bar_sessions: "{label}: {n} session(s)",
	chart_bar_pages: "{label}: {n} page(s)",
	hour_label: "{h}:00",
	no_site: "(no site)",
	tot_sessions: "Sessions",
	tot_minutes: "Total time",
	tot_mean: "Mean length",
	tot_median: "Median length",
	tot_pages: "Pages counted",
	tot_printed: "Pages printed",
	tot_refused: "Pages refused",
	tot_refunded: "Pages refunded",

	audit_intro: "The last 200 staff actions, newest first.",
	audit_empty: "The log is empty.",

	user_add_title: "Add an account",
	user_password: "Password (10 characters or more)",
	user_add: "Add",
	user_has_pw: "yes",
	user_no_pw: "no (token only)",
	user_active: "active",
	user_disabled: "disabled",
	user_you: "{name} (you)",
	user_bad_name: "Type a name (at most 64 characters).",
	user_bad_pw: "The password needs 10 characters or more (or leave it empty).",
	user_token: "Access token for {name}'s scripts, shown only once: ",
	act_password: "Set the password",
	act_role: "Change the role",
	act_disable: "Disable",
	act_enable: "Enable",
	dlg_pw_title: "New password for {name}",
	dlg_pw_label: "Password (10 characters or more)",
	dlg_pw_text: "Their open sessions on this page are closed.",
	dlg_role_title: "Role of {name}",
	dlg_role_label: "New role",
	dlg_disable_title: "Disable the account {name}?",
	dlg_disable_text: "This person can no longer sign in.",
	dlg_enable_title: "Enable the account {name} again?",
	done_user_add: "Account {name} added.",
	done_password: "Password of {name} changed.",
	done_role: "{name} now has the role {role}.",
	done_disable: "Account {name} disabled.",
	done_enable: "Account {name} enabled.",

	pw_title: "Change my password",
	pw_old: "Current password",
	pw_new: "New password (10 characters or more)",
	pw_new2: "New password, once more",
	pw_submit: "Change the password",
	pw_missing_old: "Type your current password.",
	pw_short: "The new password needs 10 characters or more.",
	pw_mismatch: "The two new passwords differ. Type them again.",
	pw_same: "The new password must differ from the current one.",
	pw_done: "Password changed. Your other sign-ins were closed.",

	dur_min: "{m} min",
	dur_h: "{h} h",
	dur_hm: "{h} h {mm}",
	pages_n: "{n} pages",
	pages_1: "1 page",
	pages_0: "no printing",
	ago_now: "just now",
	ago_s: "{n} s ago",
	ago_min: "{n} min ago",
	ago_h: "{n} h ago",
	ago_d: "{n} days ago",
};

function pickLang() {
	const langs = navigator.languages && navigator.languages.length ?
		navigator.languages : [navigator.language || "fr"];
	for (const l of langs) {
		const base = String(l).toLowerCase().slice(0, 2);
		if (base === "fr")
			return "fr";
		if (base === "en")
			return "en";
	}
	return "fr";
}

export const lang = pickLang();
const table = lang === "en" ? en : fr;
export const locale = lang === "en" ? "en-GB" : "fr-FR";

// t("key", {name: "x"}): the text for people, with {name} filled in.
export function t(key, vars) {
	let s = table[key];
	if (s === undefined)
		s = fr[key] !== undefined ? fr[key] : key;
	if (vars)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
	return s;
}

// Fill the static page: data-i18n (text), data-i18n-label (aria-label).
export function translatePage(root) {
	document.documentElement.lang = lang;
	for (const e of root.querySelectorAll("[data-i18n]"))
		e.textContent = t(e.dataset.i18n);
	for (const e of root.querySelectorAll("[data-i18n-label]"))
		e.setAttribute("aria-label", t(e.dataset.i18nLabel));
	document.title = t("app_title");
}

const fmtCache = {};
function fmt(name, opts) {
	if (!fmtCache[name])
		fmtCache[name] = new Intl.DateTimeFormat(locale, opts);
	return fmtCache[name];
}

// Unix seconds → "vendredi 4 décembre 2026 à 18:00".
export function fmtLongDate(ts) {
	return fmt("long", {weekday: "long", day: "numeric", month: "long", year: "numeric",
		hour: "2-digit", minute: "2-digit"}).format(new Date(ts * 1000));
}

// Unix seconds → "04/12/2026 18:00".
export function fmtDateTime(ts) {
	if (ts === null || ts === undefined)
		return t("none");
	return fmt("dt", {day: "2-digit", month: "2-digit", year: "numeric",
		hour: "2-digit", minute: "2-digit"}).format(new Date(ts * 1000));
}

// Unix seconds → "18:00" today, else "04/12 18:00".
export function fmtShort(ts) {
	if (ts === null || ts === undefined)
		return t("none");
	const d = new Date(ts * 1000);
	const now = new Date();
	if (d.toDateString() === now.toDateString())
		return fmt("hm", {hour: "2-digit", minute: "2-digit"}).format(d);
	return fmt("dmhm", {day: "2-digit", month: "2-digit", hour: "2-digit",
		minute: "2-digit"}).format(d);
}

export function fmtClock(d) {
	return fmt("hms", {hour: "2-digit", minute: "2-digit", second: "2-digit"}).format(d);
}

// "YYYY-MM-DD" → "04/12/2026".
export function fmtDay(day) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
	if (!m)
		return String(day);
	return fmt("day", {day: "2-digit", month: "2-digit", year: "numeric"})
		.format(new Date(+m[1], +m[2] - 1, +m[3]));
}

// "YYYY-MM-DD" → "04/12" (chart axes).
export function fmtDayShort(day) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
	if (!m)
		return String(day);
	return fmt("dshort", {day: "2-digit", month: "2-digit"})
		.format(new Date(+m[1], +m[2] - 1, +m[3]));
}

// Minutes → "30 min", "1 h", "1 h 05".
export function fmtMinutes(min) {
	min = Math.max(0, Math.round(min));
	if (min < 60)
		return t("dur_min", {m: min});
	const h = Math.floor(min / 60), m = min % 60;
	if (m === 0)
		return t("dur_h", {h});
	return t("dur_hm", {h, mm: String(m).padStart(2, "0")});
}

// Seconds left → minutes, rounded up (a person with 10 s left still has "1 min").
export function fmtSecondsLeft(s) {
	return fmtMinutes(Math.ceil(Math.max(0, s) / 60));
}

export function fmtPages(n) {
	if (n === 0)
		return t("pages_0");
	if (n === 1)
		return t("pages_1");
	return t("pages_n", {n});
}

// Unix seconds → "il y a 2 min".
export function fmtAgo(ts, nowS) {
	if (ts === null || ts === undefined)
		return t("never");
	const d = Math.max(0, Math.round(nowS - ts));
	if (d < 10)
		return t("ago_now");
	if (d < 60)
		return t("ago_s", {n: d});
	if (d < 3600)
		return t("ago_min", {n: Math.floor(d / 60)});
	if (d < 86400)
		return t("ago_h", {n: Math.floor(d / 3600)});
	return t("ago_d", {n: Math.floor(d / 86400)});
}

export function fmtNumber(n) {
	return new Intl.NumberFormat(locale).format(n);
}
