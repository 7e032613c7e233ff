import { type JSX, Show } from "solid-js";
import { type BookmarkView, hueOf } from "./api.js";

/** The site's icon when ArchNest has one, otherwise its first letter on a colour of its own. */
export function Favicon(props: { bookmark: BookmarkView; icons: Record<string, string>; size?: number }): JSX.Element {
  const size = () => props.size ?? 20;
  // The first letter or digit of the title, else of the host: "<b>Ops" gives "B", not "<".
  const letter = () => (/[\p{L}\p{N}]/u.exec(props.bookmark.title)?.[0] ?? /[\p{L}\p{N}]/u.exec(props.bookmark.icon)?.[0] ?? "?").toUpperCase();
  return (
    <Show
      when={props.icons[props.bookmark.icon]}
      fallback={
        <span
          aria-hidden="true"
          data-avatar={letter()}
          style={{
            display: "inline-grid",
            "place-items": "center",
            width: `${size()}px`,
            height: `${size()}px`,
            "border-radius": "5px",
            background: `hsl(${hueOf(props.bookmark.icon)} 45% 32%)`,
            color: "#fff",
            "font-size": `${Math.round(size() * 0.55)}px`,
            "font-weight": "650",
            "flex-shrink": "0",
          }}
        >
          {letter()}
        </span>
      }
    >
      {(src) => <img src={src()} alt="" width={size()} height={size()} style={{ "border-radius": "4px", "flex-shrink": "0" }} />}
    </Show>
  );
}
