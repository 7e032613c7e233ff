import { Dialog } from "@archnest/sdk/web";
import type { JSX } from "solid-js";

/** The shell's dialog (Portal, focus trap, Escape and a click outside close it), as this plugin's pages use it. */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
  size?: "sm" | "md";
}): JSX.Element {
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose} footer={props.footer} width={props.size ?? "md"}>
      {props.children}
    </Dialog>
  );
}
