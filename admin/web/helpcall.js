// The desk's alarm for a resident calling for help from a kiosk (docs/web.md): a short,
// soft beep through WebAudio, again every few seconds while a call waits for an answer
// ("J'arrive"), until the desk mutes it. The grid shows the call; this only sounds it.

const EVERY_MS = 6000;

let audio = null;
let timer = null;
let muted = false;
let waiting = 0;	// calls not answered yet
let beeps = 0;		// beeps played, for the tests (window.escaleHelpBeeps)

function beep() {
	beeps++;
	window.escaleHelpBeeps = beeps;
	try {
		audio = audio || new (window.AudioContext || window.webkitAudioContext)();
		if (audio.state === "suspended")
			audio.resume();
		const t0 = audio.currentTime;
		// Two short notes, falling: heard across a reception room, not alarming.
		for (const [f, at] of [[880, 0], [660, 0.18]]) {
			const osc = audio.createOscillator();
			const gain = audio.createGain();
			osc.type = "sine";
			osc.frequency.value = f;
			gain.gain.setValueAtTime(0.0001, t0 + at);
			gain.gain.exponentialRampToValueAtTime(0.25, t0 + at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.16);
			osc.connect(gain).connect(audio.destination);
			osc.start(t0 + at);
			osc.stop(t0 + at + 0.17);
		}
	} catch (e) {
		// No sound device, or the browser refuses sound before a click: the tile still shows.
	}
}

function tick() {
	if (waiting > 0 && !muted)
		beep();
}

// N calls wait for an answer now (from each refresh of the grid).
export function setWaiting(n) {
	const before = waiting;
	waiting = n;
	if (n > 0 && !timer) {
		timer = setInterval(tick, EVERY_MS);
	} else if (n === 0 && timer) {
		clearInterval(timer);
		timer = null;
	}
	// A new call sounds at once.
	if (n > before)
		tick();
}

export function isMuted() {
	return muted;
}

export function setMuted(m) {
	muted = m;
}
