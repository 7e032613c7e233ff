import type { AsciicastCode, AsciicastEvent } from "./asciicast-writer.js";

/** A recording read back: its header and events. */
export interface ParsedAsciicast {
  header: { version: 2; width: number; height: number; timestamp?: number; title?: string; env?: Record<string, string> };
  events: AsciicastEvent[];
}

const CODES: readonly AsciicastCode[] = ["o", "i", "r", "m"];

/**
 * Parses an asciicast v2 file and checks it against the format's rules, reporting every broken line: a
 * JSON object header with version 2 and whole positive width and height, then one JSON array per line of
 * a non-negative time that never decreases, a known event code and string data ("COLSxROWS" for "r").
 * Throws an Error listing the problems; the player and the tests read files through it.
 */
export function parseAsciicast(text: string): ParsedAsciicast {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const problems: string[] = [];
  let header: ParsedAsciicast["header"] | undefined;
  try {
    const h = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    if (typeof h !== "object" || h === null || Array.isArray(h)) problems.push("line 1: the header is not a JSON object");
    else if (h.version !== 2) problems.push("line 1: version is not 2");
    else if (!Number.isInteger(h.width) || !Number.isInteger(h.height) || (h.width as number) < 1 || (h.height as number) < 1)
      problems.push("line 1: width and height must be whole numbers of at least 1");
    else header = h as ParsedAsciicast["header"];
  } catch {
    problems.push("line 1: the header is not JSON");
  }
  const events: AsciicastEvent[] = [];
  let last = 0;
  for (let i = 1; i < lines.length; i++) {
    const where = `line ${i + 1}`;
    let e: unknown;
    try {
      e = JSON.parse(lines[i] as string);
    } catch {
      problems.push(`${where}: not JSON`);
      continue;
    }
    if (!Array.isArray(e) || e.length !== 3) {
      problems.push(`${where}: an event is a JSON array of three items`);
      continue;
    }
    const [time, code, data] = e as [unknown, unknown, unknown];
    if (typeof time !== "number" || !Number.isFinite(time) || time < 0) problems.push(`${where}: the time is not a non-negative number`);
    else if (time < last) problems.push(`${where}: the time ${time} goes back from ${last}`);
    else last = time;
    if (!CODES.includes(code as AsciicastCode)) problems.push(`${where}: unknown event code ${JSON.stringify(code)}`);
    if (typeof data !== "string") problems.push(`${where}: the data is not a string`);
    else if (code === "r" && !/^\d+x\d+$/.test(data)) problems.push(`${where}: a resize's data is COLSxROWS`);
    events.push(e as AsciicastEvent);
  }
  if (problems.length > 0 || !header) throw new Error(`not a valid asciicast v2 file:\n${problems.join("\n")}`);
  return { header, events };
}
