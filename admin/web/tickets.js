// tickets: what a ticket tells the resident, in each of the kiosk's nine languages
// (docs/translating.md): the desk chooses the ticket's language when it issues a code,
// whatever language the desk's own page is in. Plain words, short sentences, "vous".

// The languages, as the kiosk's welcome screen offers them: code, own name, direction,
// and the locale of their dates (Latin digits, as the code's).
export const TICKET_LANGS = [
	{code: "fr", name: "Français", locale: "fr-FR"},
	{code: "en", name: "English", locale: "en-GB"},
	{code: "ar", name: "العربية", locale: "ar-u-nu-latn", rtl: true},
	{code: "es", name: "Español", locale: "es-ES"},
	{code: "pt", name: "Português", locale: "pt-PT"},
	{code: "tr", name: "Türkçe", locale: "tr-TR"},
	{code: "ro", name: "Română", locale: "ro-RO"},
	{code: "uk", name: "Українська", locale: "uk-UA"},
	{code: "ru", name: "Русский", locale: "ru-RU"},
];

// Each language's lines. pages: one form per plural category of Intl.PluralRules, "zero"
// being "no printing" (0 pages), whatever the language's own rules.
const TEXT = {
	fr: {
		intro: "Votre code pour les ordinateurs en accès libre",
		how: "Tapez ce code sur l'écran de l'ordinateur, puis appuyez sur « OK ».",
		time: "Temps : {time}",
		pages: "Impression : {pages}",
		until: "À utiliser avant le {date}",
		services: "Sites ouverts : {list}",
		rules: "À savoir",
		code: "Code",
		spare: "Code de secours",
		min: "{m} min", h: "{h} h", hm: "{h} h {mm}",
		p: {zero: "pas d'impression", one: "{n} page", other: "{n} pages"},
	},
	en: {
		intro: "Your code for the public computers",
		how: "Type this code on the computer's screen, then press “OK”.",
		time: "Time: {time}",
		pages: "Printing: {pages}",
		until: "Use before {date}",
		services: "Open sites: {list}",
		rules: "Good to know",
		code: "Code",
		spare: "Spare code",
		min: "{m} min", h: "{h} h", hm: "{h} h {mm}",
		p: {zero: "no printing", one: "{n} page", other: "{n} pages"},
	},
	ar: {
		intro: "رمزك لاستعمال الحواسيب المفتوحة للجميع",
		how: "اكتب هذا الرمز على شاشة الحاسوب، ثم اضغط على «OK».",
		time: "المدة: {time}",
		pages: "الطباعة: {pages}",
		until: "استعمله قبل {date}",
		services: "المواقع المتاحة: {list}",
		rules: "معلومات مهمة",
		code: "الرمز",
		spare: "رمز احتياطي",
		min: "{m} دقيقة", h: "{h} ساعة", hm: "{h} ساعة و{mm} دقيقة",
		p: {zero: "بدون طباعة", one: "صفحة واحدة", two: "صفحتان", few: "{n} صفحات",
			many: "{n} صفحة", other: "{n} صفحة"},
	},
	es: {
		intro: "Su código para los ordenadores de libre acceso",
		how: "Escriba este código en la pantalla del ordenador y pulse «OK».",
		time: "Tiempo: {time}",
		pages: "Impresión: {pages}",
		until: "Úselo antes del {date}",
		services: "Sitios abiertos: {list}",
		rules: "Para saber",
		code: "Código",
		spare: "Código de reserva",
		min: "{m} min", h: "{h} h", hm: "{h} h {mm}",
		p: {zero: "sin impresión", one: "{n} página", other: "{n} páginas"},
	},
	pt: {
		intro: "O seu código para os computadores de acesso livre",
		how: "Escreva este código no ecrã do computador e carregue em «OK».",
		time: "Tempo: {time}",
		pages: "Impressão: {pages}",
		until: "Use antes de {date}",
		services: "Sites abertos: {list}",
		rules: "Importante",
		code: "Código",
		spare: "Código de reserva",
		min: "{m} min", h: "{h} h", hm: "{h} h {mm}",
		p: {zero: "sem impressão", one: "{n} página", other: "{n} páginas"},
	},
	tr: {
		intro: "Herkese açık bilgisayarlar için kodunuz",
		how: "Bu kodu bilgisayar ekranına yazın, sonra «OK» tuşuna basın.",
		time: "Süre: {time}",
		pages: "Yazdırma: {pages}",
		until: "Son kullanım: {date}",
		services: "Açık siteler: {list}",
		rules: "Bilmeniz gerekenler",
		code: "Kod",
		spare: "Yedek kod",
		min: "{m} dk", h: "{h} sa", hm: "{h} sa {mm} dk",
		p: {zero: "yazdırma yok", one: "{n} sayfa", other: "{n} sayfa"},
	},
	ro: {
		intro: "Codul dumneavoastră pentru calculatoarele cu acces liber",
		how: "Scrieți acest cod pe ecranul calculatorului, apoi apăsați «OK».",
		time: "Timp: {time}",
		pages: "Imprimare: {pages}",
		until: "Folosiți-l înainte de {date}",
		services: "Site-uri deschise: {list}",
		rules: "De știut",
		code: "Cod",
		spare: "Cod de rezervă",
		min: "{m} min", h: "{h} h", hm: "{h} h {mm}",
		p: {zero: "fără imprimare", one: "{n} pagină", few: "{n} pagini",
			other: "{n} de pagini"},
	},
	uk: {
		intro: "Ваш код для комп'ютерів вільного доступу",
		how: "Введіть цей код на екрані комп'ютера, потім натисніть «OK».",
		time: "Час: {time}",
		pages: "Друк: {pages}",
		until: "Використайте до {date}",
		services: "Доступні сайти: {list}",
		rules: "Важливо знати",
		code: "Код",
		spare: "Резервний код",
		min: "{m} хв", h: "{h} год", hm: "{h} год {mm} хв",
		p: {zero: "без друку", one: "{n} сторінка", few: "{n} сторінки",
			many: "{n} сторінок", other: "{n} сторінки"},
	},
	ru: {
		intro: "Ваш код для компьютеров свободного доступа",
		how: "Введите этот код на экране компьютера, затем нажмите «OK».",
		time: "Время: {time}",
		pages: "Печать: {pages}",
		until: "Используйте до {date}",
		services: "Доступные сайты: {list}",
		rules: "Важно знать",
		code: "Код",
		spare: "Резервный код",
		min: "{m} мин", h: "{h} ч", hm: "{h} ч {mm} мин",
		p: {zero: "без печати", one: "{n} страница", few: "{n} страницы",
			many: "{n} страниц", other: "{n} страницы"},
	},
};

function info(lang) {
	return TICKET_LANGS.find((l) => l.code === lang) || TICKET_LANGS[0];
}

function fill(s, vars) {
	return s.replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined ? String(vars[k]) : m));
}

// The ticket's line KEY in LANG (French for an unknown language), VARS filled in.
export function tt(lang, key, vars) {
	const table = TEXT[info(lang).code];
	return fill(table[key] !== undefined ? table[key] : TEXT.fr[key], vars);
}

// "rtl" for a language written right to left, else "ltr".
export function ticketDir(lang) {
	return info(lang).rtl ? "rtl" : "ltr";
}

// Minutes → "30 min", "1 h 05" in LANG; an hour or more adds the minutes: "1 h (60 min)".
export function ticketMinutes(lang, min) {
	min = Math.max(0, Math.round(min));
	if (min < 60)
		return tt(lang, "min", {m: min});
	const h = Math.floor(min / 60), m = min % 60;
	const short = m ? tt(lang, "hm", {h, mm: String(m).padStart(2, "0")}) : tt(lang, "h", {h});
	return `${short} (${tt(lang, "min", {m: min})})`;
}

// Pages → "no printing", "1 page", "10 pages" with LANG's plural rules.
export function ticketPages(lang, n) {
	const p = TEXT[info(lang).code].p;
	if (n === 0)
		return p.zero;
	const cat = new Intl.PluralRules(info(lang).locale).select(n);
	return fill(p[cat] || p.other, {n});
}

// Unix seconds → the day and time in LANG: "vendredi 4 décembre 2026 à 18:00".
export function ticketDate(lang, ts) {
	return new Intl.DateTimeFormat(info(lang).locale, {weekday: "long", day: "numeric",
		month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"})
		.format(new Date(ts * 1000));
}
