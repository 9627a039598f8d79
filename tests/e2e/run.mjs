// Browser tests of Andel's pages (issue 8 §4, issue 6 §2): headless Chromium (Debian's) driven by
// playwright-core against `andel demo` on 127.0.0.1. Every page visited is checked with axe-core (WCAG 2.1 AA;
// any violation fails), on a 360 px phone and a desktop, in all four languages, and saved as a screenshot.
//
// Usage: node tests/e2e/run.mjs BUILD_DIR      (screenshots go to BUILD_DIR/e2e/)
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(new URL("../..", import.meta.url).pathname);
const build = resolve(process.argv[2] || join(root, "build"));
const shots = join(build, "e2e");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
const generator = readFileSync(join(root, "src/app/demo/generator.hpp"), "utf8");
const constant = (name) => generator.match(new RegExp(name + "\\s*=[^\"]*\"([^\"]+)\""))[1];
const backOfficeKey = constant("kDemoBackOfficeToken");
const kioskKey = constant("kDemoKioskToken");
const languages = ["da", "nb", "sv", "en"];

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

let failures = 0;
let checks = 0;
const fail = (what) => {
  failures++;
  console.error("FAIL " + what);
};
const expect = (cond, what) => {
  checks++;
  if (!cond) fail(what);
};

async function startServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "andel-e2e-"));
  const server = spawn(
    join(build, "andel"),
    ["demo", "--config", join(root, "config"), "--database", "sqlite:" + join(dir, "andel.db"), "--port", String(port)],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(base + "/readyz");
      if (r.ok) return { server, base, dir };
    } catch {}
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill("SIGKILL");
  throw new Error("andel demo did not start:\n" + log);
}

// axe-core on the page as it is now (WCAG 2.0/2.1 A and AA); every violation is a failure.
async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  checks++;
  for (const v of result.violations)
    fail(`${name}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  // Reflow (WCAG 1.4.10): nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `${name}: ${overflow} px wider than the ${page.viewportSize().width} px screen`);
}

// Visit `path` in every language, on the phone and the desktop: axe, reflow and a screenshot each.
async function everyLanguage(contexts, path, name) {
  for (const [device, page] of contexts) {
    for (const lang of languages) {
      const sep = path.includes("?") ? "&" : "?";
      const r = await page.goto(path + sep + "lang=" + lang);
      expect(r.status() < 500, `${name} ${lang}: status ${r.status()}`);
      expect((await page.getAttribute("html", "lang")) === lang, `${name}: html lang is not ${lang}`);
      const text = await page.textContent("body");
      expect(!text.includes("{{"), `${name} ${lang}: a template tag is left`);
      await audit(page, `${name} (${lang}, ${device})`);
      await page.screenshot({ path: join(shots, `${name}-${lang}-${device}.png`), fullPage: true });
    }
  }
}

async function newDevice(browser, base, width, height) {
  const context = await browser.newContext({ baseURL: base, viewport: { width, height }, locale: "da-DK" });
  return [context, await context.newPage()];
}

async function logIn(page) {
  await page.goto("/login");
  await page.getByLabel(/Medlemsnummer|Member number/).fill("33216744");
  await page.getByLabel(/Adgangskode|Password/).fill("123456");
  await page.getByRole("button", { name: /Log ind|Log in/ }).click();
  await page.waitForURL("**/my");
}

const { server, base, dir } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const [phoneContext, phone] = await newDevice(browser, base, 360, 740);
  const [desktopContext, desktop] = await newDevice(browser, base, 1280, 900);
  const both = [["phone", phone], ["desktop", desktop]];

  // Walk 1: the login page, then the demo member logs in and activates an offer on the web (R_OFF_2).
  await everyLanguage(both, "/login", "login");
  await logIn(phone);
  await logIn(desktop);
  await phone.goto("/my?lang=da");
  expect((await phone.textContent("h1")).startsWith("Hej"), "the overview greets the member in Danish");
  await phone.goto("/my/offers?lang=da");
  const activate = phone.locator("form[action='/my/offers/dk-kaffe-3-for-2/activation'] button");
  expect((await activate.count()) === 1, "the coffee offer waits for activation");
  await activate.click();
  await phone.waitForURL("**/my/offers?activated=dk-kaffe-3-for-2");
  expect((await phone.locator("[role=status]").textContent()).includes("aktiveret"), "the activation is confirmed");
  expect((await phone.locator("form[action='/my/offers/dk-kaffe-3-for-2/activation']").count()) === 0,
    "the offer no longer asks to be activated");
  for (const [path, name] of [["/my", "overview"], ["/my/offers", "offers"], ["/my/history", "history"],
    ["/my/sessions", "sessions"]])
    await everyLanguage(both, path, name);

  // Walk 2: a member ends the session on another device (R_AUTH_3): the phone logs the desktop out.
  await phone.goto("/my/sessions?lang=en");
  await phone.getByRole("button", { name: "Log out everywhere else" }).click();
  await phone.waitForURL("**/my/sessions?ended=others");
  expect((await phone.locator("[role=status]").textContent()).includes("everywhere else"), "others ended");
  await desktop.goto("/my");
  expect(desktop.url().endsWith("/login"), "the other device is sent to the login");
  await phone.goto("/my");
  expect(phone.url().endsWith("/my"), "this device stays logged in");

  // Walk 3: the store's price checker (R_OFF_2): set up with the kiosk key, a product, then a member card.
  const card = await (
    await fetch(base + "/api/v1/members/33216744", { headers: { authorization: "Bearer " + backOfficeKey } })
  ).json();
  const cardNumber = card.cards.find((c) => c.status === "active").card_number;
  const [kioskContext, kiosk] = await newDevice(browser, base, 1080, 1920);
  await everyLanguage([["kiosk", kiosk]], "/price-checker", "kiosk-setup");
  await kiosk.goto("/price-checker?lang=da");
  await kiosk.getByLabel("Nøgle til prisscanneren").fill(kioskKey);
  await kiosk.getByRole("button", { name: "Gem" }).click();
  await kiosk.waitForURL("**/price-checker");
  // A barcode scanner types the code and Enter into the focused field.
  await kiosk.waitForFunction(() => document.activeElement && document.activeElement.id === "code");
  await kiosk.keyboard.type("5700000000011");
  await kiosk.keyboard.press("Enter");
  await kiosk.waitForURL("**/price-checker/scan?code=5700000000011");
  expect((await kiosk.locator(".price").first().textContent()).includes("kr"), "the product's price is shown");
  // Back to the start after 30 s without a touch; warned at 10 s, and one tap stays (WCAG 2.2.1).
  await kioskContext.clock.install();
  await kiosk.goto("/price-checker/scan?code=5700000000011");
  await kiosk.clock.runFor(11000);
  expect(await kiosk.locator("#idle-warning").isVisible(), "the idle warning shows after 10 s");
  await kiosk.locator("#idle-warning button").click();
  expect(!(await kiosk.locator("#idle-warning").isVisible()), "one tap keeps the screen");
  await kiosk.clock.runFor(25000);
  expect(kiosk.url().includes("/scan?code="), "the tap restarted the 30 s");
  await kiosk.clock.runFor(6000);
  await kiosk.waitForURL("**/price-checker");
  expect(await kiosk.evaluate(() => document.activeElement && document.activeElement.id === "code"),
    "back at the start, ready to scan");
  await everyLanguage([["kiosk", kiosk]], "/price-checker/scan?code=5700000000011", "kiosk-product");
  await kiosk.goto("/price-checker?lang=da");
  await kiosk.waitForFunction(() => document.activeElement && document.activeElement.id === "code");
  await kiosk.keyboard.type(cardNumber);
  await kiosk.keyboard.press("Enter");
  await kiosk.waitForURL("**/price-checker/scan?code=*");
  const greeting = await kiosk.textContent("h1");
  expect(greeting.startsWith("Hej "), "the member is greeted by first name: " + (await kiosk.textContent("main")));
  expect(!(await kiosk.content()).includes(cardNumber), "the card number is not in the page");
  await everyLanguage([["kiosk", kiosk]], "/price-checker/scan?code=" + cardNumber, "kiosk-member");
  await kioskContext.close();
  await phoneContext.close();
  await desktopContext.close();
} catch (e) {
  fail("walk stopped: " + (e.stack || e));
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`e2e: ${checks} checks, ${failures} failures; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
