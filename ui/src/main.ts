import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { uiLocale } from "./ipc/api";
import { setLocale } from "./lib/i18n.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("missing #app");
// The language first, so that the first screen is already in it.
const app = uiLocale()
  .then(
    (l) => setLocale(l.tag, l.rtl),
    () => setLocale("en", false),
  )
  .catch(() => setLocale("en", false))
  .then(() => mount(App, { target }));
export default app;
