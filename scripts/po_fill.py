"""Fill a .po file's empty msgstr from a JSON dict {msgid: msgstr}, then report what is still untranslated.

Usage: python scripts/po_fill.py PATH.po TRANSLATIONS.json
Used by developers after `make messages`; the .po and compiled .mo live in the repository.
"""

import json
import re
import sys


def _unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def fill(po_path: str, translations: dict[str, str]) -> list[str]:
    text = open(po_path, encoding="utf-8").read()
    entries = text.split("\n\n")
    missing = []
    for i, entry in enumerate(entries):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not match or "msgid_plural" in entry:
            continue
        msgid = _unquote(match.group(1))
        msgstr = _unquote(match.group(2))
        if not msgid:
            continue
        if msgid in translations:
            new = "msgstr " + json.dumps(translations[msgid], ensure_ascii=False)
            entry = entry[: match.start(2) - len("msgstr ")] + new + entry[match.end(2) :].lstrip("\n")
            entry = entry.replace("#, fuzzy\n", "").replace("#, fuzzy, ", "#, ")
            entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)  # the fuzzy guess's previous msgid
            entries[i] = entry.rstrip("\n")
        elif not msgstr or re.search(r"^#, .*fuzzy", entry, re.M):
            missing.append(msgid)  # empty, or a fuzzy guess that compilemessages ignores
    open(po_path, "w", encoding="utf-8").write("\n\n".join(entries).rstrip("\n") + "\n")
    return missing


if __name__ == "__main__":
    missing = fill(sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8")))
    for msgid in missing:
        print("untranslated:", msgid)
    sys.exit(1 if missing else 0)
