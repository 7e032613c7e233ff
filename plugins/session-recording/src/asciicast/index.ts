export { type AsciicastCode, type AsciicastEvent, type AsciicastHeader, AsciicastWriter, type AsciicastWriterOptions, Utf8Stream } from "./asciicast-writer.js";
export { type ParsedAsciicast, parseAsciicast } from "./validate-asciicast.js";
