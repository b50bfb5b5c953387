#!/usr/bin/env python3
"""A spoken or written instruction names a button with the button's own words.

kiosk/speak.c reads "appuyez sur Mes démarches" aloud while the bar shows the
button "Mes démarches"; in every catalogue of po/LINGUAS, the translated
instruction must contain the translated label, or the resident hears a name
that is on no button. Each catalogue is compiled with msgfmt and read back
through Python's gettext, as a program would read it.
"""
import gettext
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (instruction, the button labels it names), French source texts as in the code.
PAIRS = [
    ("Pour revenir à la liste des démarches, appuyez sur Mes démarches. Pour finir, "
     "appuyez sur Terminer : tout sera effacé.", ["Mes démarches", "Terminer"]),
    ("Voulez-vous terminer ? Vos documents et vos pages ouvertes seront effacés. "
     "Appuyez sur Oui, terminer, ou sur Non, continuer.", ["Oui, terminer", "Non, continuer"]),
    ("Êtes-vous toujours là ? Sans réponse, la séance se termine. Appuyez sur Je suis là.",
     ["Je suis là"]),
    ("Imprimez ou enregistrez vos documents maintenant. À la fin de la séance, tout est "
     "effacé. Appuyez sur J'ai compris.", ["J'ai compris"]),
    ("Posez la page face contre la vitre du scanner, puis appuyez sur Numériser.",
     ["Numériser"]),
    ("Touchez les documents de la clé à copier, puis appuyez sur Copier.", ["Copier"]),
    ("Quand vous avez fini, touchez « Terminer » en haut de l'écran : tout ce que vous "
     "avez fait sur ce poste est effacé.", ["Terminer"]),
]


def main():
    if not shutil.which("msgfmt"):
        print("gettext missing: skipped")
        return 77
    with open(os.path.join(ROOT, "po", "LINGUAS"), encoding="utf-8") as f:
        langs = [w for line in f if not line.startswith("#") for w in line.split()]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in langs:
            mo = os.path.join(tmp, lang + ".mo")
            subprocess.run(["msgfmt", "-o", mo, os.path.join(ROOT, "po", lang + ".po")],
                           check=True)
            with open(mo, "rb") as f:
                cat = gettext.GNUTranslations(f)
            for text, labels in PAIRS:
                for s in [text] + labels:
                    if s not in cat._catalog:
                        failures.append(f"{lang}: no translation of {s!r} (did the French "
                                        "text change? update po/ and this test's PAIRS)")
                said = cat.gettext(text)
                for label in labels:
                    shown = cat.gettext(label)
                    if shown not in said:
                        failures.append(f"{lang}: the button {shown!r} ({label!r}) is not "
                                        f"named as such in {said!r}")
    for line in failures:
        print(line)
    print(f"{len(langs)} catalogues, {len(PAIRS)} instructions: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
