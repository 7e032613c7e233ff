/**
 * The Netscape bookmark file format every browser imports and exports (`<!DOCTYPE NETSCAPE-Bookmark-file-1>`):
 * nested `<DL>` lists, `<DT><H3>` folders and `<DT><A HREF>` links. The format was never specified
 * formally and real files are loose HTML (unclosed `<DT>` and `<p>`, any case, single or no quotes), so
 * the parser is a tolerant tag scanner rather than an HTML parser: it only follows DL nesting, H3 and A.
 */

export interface NetscapeLink {
  title: string;
  url: string;
  /** Folder path from the top, such as ["Bookmarks bar", "Infra"]. */
  folder: string[];
  tags: string[];
  addedAt?: number;
  icon?: string;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", "#39": "'" };

/** Decodes the HTML character references bookmark files use (named basics, decimal and hex). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});?/gi, (whole, ref: string) => {
    const r = ref.toLowerCase();
    if (r.startsWith("#x") || r.startsWith("#")) {
      const code = r.startsWith("#x") ? Number.parseInt(r.slice(2), 16) : Number.parseInt(r.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return NAMED[r] ?? whole;
  });
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  // Skip the tag name itself.
  const body = tag.replace(/^<\s*[a-zA-Z0-9]+/, "").replace(/\/?>$/, "");
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    attrs[(m[1] as string).toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

function cleanText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Reads every link of a bookmark file, with its folder path. Links whose URL is not http(s) (`javascript:`,
 * `place:`, `chrome://`) are counted in `skipped` and left out.
 */
export function parseNetscape(html: string): { links: NetscapeLink[]; skipped: number } {
  const links: NetscapeLink[] = [];
  let skipped = 0;
  const stack: string[] = [];
  let pendingFolder: string | undefined;
  // Depth of DL lists opened without a folder heading (the top list): they must not pop a folder.
  const opened: boolean[] = [];
  const lower = html.toLowerCase();
  const tag = /<(\/?)(dl|h3|a)\b[^>]*>/gi;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    const closing = m[1] === "/";
    const name = (m[2] as string).toLowerCase();
    if (name === "dl") {
      if (!closing) {
        if (pendingFolder !== undefined) {
          stack.push(pendingFolder);
          opened.push(true);
        } else opened.push(false);
        pendingFolder = undefined;
      } else if (opened.pop()) stack.pop();
      continue;
    }
    if (closing) continue;
    const end = lower.indexOf(`</${name}`, tag.lastIndex);
    const inner = end === -1 ? "" : html.slice(tag.lastIndex, end);
    if (name === "h3") {
      pendingFolder = cleanText(inner).slice(0, 200) || "Untitled folder";
      continue;
    }
    const attrs = attributes(m[0]);
    const url = (attrs.href ?? "").trim();
    if (!/^https?:\/\//i.test(url)) {
      skipped++;
      continue;
    }
    const added = Number(attrs.add_date);
    const tags = (attrs.tags ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    links.push({
      title: cleanText(inner) || url,
      url,
      folder: [...stack],
      tags,
      ...(Number.isFinite(added) && added > 0 && { addedAt: added * 1000 }),
      ...(attrs.icon?.startsWith("data:image/") && { icon: attrs.icon }),
    });
  }
  return { links, skipped };
}

interface Node {
  folders: Map<string, Node>;
  links: NetscapeLink[];
}

/** Writes a bookmark file browsers import: folders nested as DL lists, every text and attribute escaped. */
export function toNetscape(links: readonly NetscapeLink[], title = "Bookmarks"): string {
  const root: Node = { folders: new Map(), links: [] };
  for (const l of links) {
    let node = root;
    for (const f of l.folder) {
      let next = node.folders.get(f);
      if (!next) {
        next = { folders: new Map(), links: [] };
        node.folders.set(f, next);
      }
      node = next;
    }
    node.links.push(l);
  }
  const out: string[] = [
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
    "<!-- This is an automatically generated file.",
    "     It will be read and overwritten.",
    "     DO NOT EDIT! -->",
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
    `<TITLE>${escapeHtml(title)}</TITLE>`,
    `<H1>${escapeHtml(title)}</H1>`,
  ];
  const write = (node: Node, indent: string) => {
    out.push(`${indent}<DL><p>`);
    for (const [name, child] of node.folders) {
      out.push(`${indent}    <DT><H3>${escapeHtml(name)}</H3>`);
      write(child, `${indent}    `);
    }
    for (const l of node.links) {
      const attrs = [`HREF="${escapeHtml(l.url)}"`];
      if (l.addedAt) attrs.push(`ADD_DATE="${Math.floor(l.addedAt / 1000)}"`);
      if (l.tags.length > 0) attrs.push(`TAGS="${escapeHtml(l.tags.join(","))}"`);
      if (l.icon) attrs.push(`ICON="${escapeHtml(l.icon)}"`);
      out.push(`${indent}    <DT><A ${attrs.join(" ")}>${escapeHtml(l.title)}</A>`);
    }
    out.push(`${indent}</DL><p>`);
  };
  write(root, "");
  return `${out.join("\n")}\n`;
}
