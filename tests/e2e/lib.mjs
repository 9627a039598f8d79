// What the walks share (tests/e2e/walks/*.mjs): the checks, axe-core, the four languages and screenshots.
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const root = resolve(new URL("../..", import.meta.url).pathname);
export const build = resolve(process.argv[2] || join(root, "build"));
export const shots = join(build, "e2e");
mkdirSync(shots, { recursive: true });
export const languages = ["da", "nb", "sv", "en"];

const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
const generator = readFileSync(join(root, "src/app/demo/generator.hpp"), "utf8");
// A demo constant of src/app/demo/generator.hpp (keys, logins), so the walks never go stale.
export const constant = (name) => generator.match(new RegExp(name + "\\s*=[^\"]*\"([^\"]+)\""))[1];

export const results = { checks: 0, failures: 0 };
export const fail = (what) => {
  results.failures++;
  console.error("FAIL " + what);
};
export const expect = (cond, what) => {
  results.checks++;
  if (!cond) fail(what);
};

// axe-core on the page as it is now (WCAG 2.0/2.1 A and AA); every violation is a failure. Then reflow
// (WCAG 1.4.10): nothing wider than the screen.
export async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  results.checks++;
  for (const v of result.violations)
    fail(`${name}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `${name}: ${overflow} px wider than the ${page.viewportSize().width} px screen`);
}

// Visit `path` in every language on each [device, page]: status, lang, no template tag left, axe, reflow,
// and a screenshot named NAME-LANG-DEVICE.png.
export async function everyLanguage(devices, path, name) {
  for (const [device, page] of devices) {
    for (const lang of languages) {
      const sep = path.includes("?") ? "&" : "?";
      const r = await page.goto(path + sep + "lang=" + lang);
      expect(r.status() < 500, `${name} ${lang}: status ${r.status()}`);
      expect((await page.getAttribute("html", "lang")) === lang, `${name}: html lang is not ${lang}`);
      expect(!(await page.textContent("body")).includes("{{"), `${name} ${lang}: a template tag is left`);
      await audit(page, `${name} (${lang}, ${device})`);
      await page.screenshot({ path: join(shots, `${name}-${lang}-${device}.png`), fullPage: true });
    }
  }
}

// A fresh browser profile (cookies of its own) with a page.
export async function newDevice(browser, base, width, height) {
  const context = await browser.newContext({ baseURL: base, viewport: { width, height }, locale: "da-DK" });
  return [context, await context.newPage()];
}

// Logs in through the form; `login` is a member number, e-mail or phone. Without a second step (the demo
// member, R_MEM_10) it lands on /my.
export async function logIn(page, login = "33216744", password = "123456") {
  await page.goto("/login?lang=en");
  await page.getByLabel("Member number, e-mail or mobile number").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

// The newest message to `to` in the demo's outbox (/dev/outbox), e.g. an SMS code.
export async function lastMessageTo(base, to) {
  const r = await fetch(base + "/dev/outbox?to=" + encodeURIComponent(to));
  const j = await r.json();
  return j.items && j.items.length ? j.items[0].body : "";
}

// R_PRIV_2: the pages set no cookie that needs a consent: only the session, the chosen language and a price
// checker's key, each strictly necessary for what the visitor asked for (docs/web.md, "Cookies").
export const essentialCookies = new Set(["andel_session", "andel_lang", "andel_kiosk"]);
export async function onlyEssentialCookies(context, name) {
  const cookies = await context.cookies();
  const other = cookies.filter((c) => !essentialCookies.has(c.name)).map((c) => c.name);
  expect(other.length === 0, `${name}: cookies set without a consent: ${other.join(", ")}`);
  for (const c of cookies)
    if (c.name !== "andel_lang") expect(c.httpOnly, `${name}: the ${c.name} cookie is not HttpOnly`);
}
