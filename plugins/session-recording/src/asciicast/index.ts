export { type AsciicastCode, type AsciicastEvent, type AsciicastHeader, AsciicastWriter, type AsciicastWriterOptions } from "./asciicast-writer.js";
export { type ParsedAsciicast, parseAsciicast } from "./validate-asciicast.js";
