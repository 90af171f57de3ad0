// The signature badge beside the file's title (docs/viewer.md, docs/security.md): verified,
// unsigned, tampered or signed by an untrusted key, as `physiotwin verify` says. Served by
// `physiotwin view`, the page asks the tool for its verdict (verification/NAME beside
// files/NAME): checking a file means recomputing every object's digest with the tool's exact
// rules, which the tool owns. A file opened from disk or another address is said to be signed
// or unsigned, but not checked.
import { escapeHtml } from "./traces.js";

const LOOKS = {
  verified: { text: "✔ verified", className: "verified" },
  unsigned: { text: "unsigned", className: "unsigned" },
  tampered: { text: "⚠ TAMPERED", className: "tampered" },
  untrusted: { text: "signed by an unknown key", className: "untrusted" },
  unreadable: { text: "not checked", className: "unsigned" },
  unchecked: { text: "signed, not checked here", className: "unsigned" },
};

/** The verdict for a file the page fetched from `url` and opened as `opened`. */
export async function verificationOf(url, opened) {
  if (url && url.startsWith("files/")) {
    try {
      const response = await fetch(`verification/${url.slice("files/".length)}`, { cache: "no-store" });
      if (response.ok) return await response.json();
    } catch {
      // not served by `physiotwin view`: said below
    }
  }
  return opened.signed
    ? { status: "unchecked", report: "Signed. Open it with `physiotwin view FILE` (or run `physiotwin verify FILE`) to check the signature." }
    : { status: "unsigned", report: "This file carries no signature: nobody vouches that it is the file that was computed." };
}

/** Shows `verification` in `element` (its report as the tooltip, and listed when tampered). */
export function renderBadge(element, verification) {
  const look = LOOKS[verification.status] ?? LOOKS.unreadable;
  element.className = `badge ${look.className}`;
  element.title = verification.report ?? "";
  const key = verification.key_id ? ` · key ${escapeHtml(verification.key_id.slice(0, 8))}` : "";
  element.innerHTML = `${look.text}${verification.status === "unsigned" ? "" : key}`;
  element.hidden = false;
}
