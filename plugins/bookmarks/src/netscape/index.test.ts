import { describe, expect, it } from "vitest";
import { decodeEntities, escapeHtml, parseNetscape, toNetscape } from "./index.js";

// Shaped like Chrome's and Firefox's exports: unclosed DT and p, upper case, a toolbar folder, a
// Firefox-only TAGS attribute, a `place:` query and a javascript: bookmarklet.
const BROWSER_FILE = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file. -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://grafana.lan:3000/d/abc?orgId=1&amp;refresh=5s" ADD_DATE="1700000100" TAGS="monitoring,Ops">Grafana &mdash; &lt;prod&gt;</A>
        <DT><h3>Nested &amp; deep</h3>
        <dl><p>
            <dt><a href='http://10.0.0.2/'>Router</a>
        </dl><p>
        <DT><A HREF="javascript:alert(1)">Bookmarklet</A>
        <DT><A HREF="place:sort=8">Recent</A>
    </DL><p>
    <DT><A HREF=https://example.com/unquoted>Unquoted &#x1F680; &#65;</A>
    <DD>A description line that is not a link
</DL><p>`;

describe("parseNetscape", () => {
  it("reads links with their folder path from a loose browser export, skipping non-web links", () => {
    const { links, skipped } = parseNetscape(BROWSER_FILE);
    expect(skipped).toBe(2);
    expect(links).toEqual([
      {
        title: "Grafana &mdash; <prod>",
        url: "https://grafana.lan:3000/d/abc?orgId=1&refresh=5s",
        folder: ["Bookmarks bar"],
        tags: ["monitoring", "Ops"],
        addedAt: 1_700_000_100_000,
      },
      { title: "Router", url: "http://10.0.0.2/", folder: ["Bookmarks bar", "Nested & deep"], tags: [] },
      { title: "Unquoted 🚀 A", url: "https://example.com/unquoted", folder: [], tags: [] },
    ]);
  });

  it("survives truncated and garbage input without throwing", () => {
    expect(parseNetscape('<DL><p><DT><A HREF="https://a.example/">cut').links).toEqual([
      { title: "https://a.example/", url: "https://a.example/", folder: [], tags: [] },
    ]);
    expect(parseNetscape("</DL></DL><h3>x").links).toEqual([]);
    expect(parseNetscape("").links).toEqual([]);
  });
});

describe("toNetscape", () => {
  it("escapes every title, folder and attribute, and round-trips tricky names", () => {
    const tricky = [
      { title: `</A><script>alert("x")</script>`, url: 'https://e.example/?a=1&b="2"', folder: ["<b>Ops</b> & co"], tags: ['a"b', "c'd"] },
      { title: "Ünïcödé 🚀 &amp; stays literal", url: "https://f.example/", folder: ["Ops / Infra", "Deep"], tags: [], addedAt: 1_700_000_000_000 },
    ];
    const html = toNetscape(tricky);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;/A&gt;&lt;script&gt;");
    expect(parseNetscape(html).links).toEqual(tricky);
  });

  it("escapes and decodes symmetrically", () => {
    const s = `<>&"' plain`;
    expect(decodeEntities(escapeHtml(s))).toBe(s);
  });
});
