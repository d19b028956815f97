// The window's words, in the person's language: Project Fluent messages (locales/*/window.ftl
// at the top of the repository, English the source) formatted by @fluent/bundle, with plural rules and dates from Intl.
// The language is chosen by the app (the `locale` setting, else the OS's languages) and
// handed over at start (`ui_locale`). Two pseudo-locales serve the tests: en-XA (accented and
// lengthened, so that text left out of the message files shows up as plain ASCII) and ar-XB
// (right to left). Components never hold visible text of their own: they call t().
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
/** English, the source: always loaded (the fallback, and what the pseudo-locales are made of). */
import en from "../../../locales/en/window.ftl?raw";

/**
 * The other languages' message files, loaded when chosen: one per folder of locales/ (a test
 * holds the folders to the languages the app chooses from).
 */
const LOADERS: Record<string, () => Promise<string>> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("../../../locales/*/window.ftl", { query: "?raw", import: "default" })).map(
    ([path, load]) => [path.split("/").at(-2) ?? "", load],
  ),
);

/** The languages the window speaks (a message file each), for the person's choice. */
export const LANGUAGES: readonly string[] = Object.keys(LOADERS);

/** A language's own name for itself ("Deutsch", "日本語"), capitalised as a menu item. */
export function autonym(tag: string): string {
  const name = new Intl.DisplayNames([tag], { type: "language" }).of(tag) ?? tag;
  return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
}

/** Accented look-alikes of the ASCII letters (en-XA), in the order of PLAIN. */
const PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOOKALIKES = [..."ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"];
const ACCENTED = new Map([...PLAIN].map((c, i) => [c, LOOKALIKES[i] ?? c]));

/** en-XA: every letter accented, vowels doubled (about a third longer, like German). */
function accent(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const a = ACCENTED.get(c) ?? c;
    return "aeiouAEIOU".includes(c) ? a + a : a;
  });
}

/** ar-XB: the same letters, each run of words laid out right to left. */
function mirror(text: string): string {
  return text.replace(/[A-Za-z][A-Za-z' ]*[A-Za-z]|[A-Za-z]/g, (run) => `\u202e${run}\u202c`);
}

/** The pseudo-locales, each the transform that makes it from English. */
const PSEUDO: Record<string, (text: string) => string> = { "en-XA": accent, "ar-XB": mirror };

function make(tag: string, source: string): FluentBundle {
  const pseudo = PSEUDO[tag];
  const bundle = new FluentBundle(pseudo ? "en" : tag, pseudo ? { transform: pseudo } : {});
  const errors = bundle.addResource(new FluentResource(source));
  for (const e of errors) console.error(`message file ${tag}: ${e.message}`);
  return bundle;
}

const current = $state({ tag: "en", bundle: make("en", en) });

/** Switches the window's language: a tag the app chose (a message file's or a pseudo-locale). */
export async function setLocale(tag: string, rtl: boolean): Promise<void> {
  const load = tag === "en" ? undefined : LOADERS[tag];
  const source = load ? await load() : en;
  current.tag = load || tag in PSEUDO ? tag : "en";
  current.bundle = make(current.tag, source);
  document.documentElement.lang = current.tag;
  document.documentElement.dir = rtl ? "rtl" : "ltr";
}

/** The language for Intl (dates, times, numbers). */
export function intlLocale(): string {
  return current.tag in PSEUDO ? "en" : current.tag;
}

/**
 * The message `id`, formatted with `args`. Values are isolated from the text around them
 * (Unicode FSI/PDI), so a right-to-left sentence stays whole around a left-to-right name. A
 * missing message shows its id in brackets and is logged: the tests fail on it.
 */
export function t(id: string, args?: Record<string, FluentVariable | null | undefined>): string {
  const message = current.bundle.getMessage(id);
  if (!message?.value) {
    console.error(`no message ${id}`);
    return `⟦${id}⟧`;
  }
  const clean: Record<string, FluentVariable> = {};
  for (const [k, v] of Object.entries(args ?? {})) if (v !== null && v !== undefined) clean[k] = v;
  const errors: Error[] = [];
  const text = current.bundle.formatPattern(message.value, clean, errors);
  for (const e of errors) console.error(`message ${id}: ${e.message}`);
  return text;
}

/** Whether the window's language has the message `id` (for lists numbered in the files, such as the clock's fix steps). */
export function has(id: string): boolean {
  return current.bundle.hasMessage(id);
}
