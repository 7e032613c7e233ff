import "@fontsource-variable/inter/wght.css";
import "./styles/index.css";
import { render } from "solid-js/web";
import { App } from "./app/App.js";

const root = document.getElementById("root");
if (root) render(() => <App />, root);
