// Ombudshandel Online (issue 7 §5): the seed's whole story (../shared/seeds/se-ombudshandel-online.sv.txt) as an
// orderer of the demo's "Västerås stad, hemtjänst", in Swedish, without any script of the pages' own.
//
// What it proves: the orderer logs in (e-mail, password, the code e-mailed), finds Elsa Lindqvist in the list
// and presses "Handla"; every shop page says whom the order is for and her note "Laktosintolerant" (R_OMB_3);
// the start page has offers or current items, a search box and a category tree (R_OMB_4); she searches and
// browses, fills the cart, corrects a quantity and removes an item (R_OMB_5), saves the cart under a name
// (R_OMB_9), and goes to the checkout: chooses substitutions per item (R_OMB_6), reads the summary, sees the
// address from the portal (no field) and only the times of Elsa's unit (R_OMB_7), the preset payment and the
// empty reference, and completes the purchase; the order says "Beställd" and so does the list (R_OMB_8). Then
// she reuses the saved cart for Gunnar Ek and edits it. The administrator's page and the password pages are
// visited too. Every page passes axe (WCAG 2.1 A and AA) in four languages, on a 360 px phone and a desktop;
// screenshots of every step are in BUILD_DIR/e2e/portal-*.png.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  audit, everyLanguage, expect, lastMessageTo, logIn, newDevice, onlyEssentialCookies, root, shots,
} from "../lib.mjs";

const portalHeader = readFileSync(join(root, "src/app/demo/demo_portal.hpp"), "utf8");
const portalConstant = (name) => portalHeader.match(new RegExp(name + "\\s*=[^\"]*\"([^\"]+)\""))[1];

// A portal user logs in like staff: the form, then the code e-mailed; "/" sends them to /portal.
async function portalLogIn(page, base, email, password) {
  await logIn(page, email, password);
  await page.waitForSelector("#code");
  const code = (await lastMessageTo(base, email)).match(/\b(\d{6})\b/);
  expect(code, `a login code was e-mailed to ${email}`);
  await page.fill("#code", code ? code[1] : "");
  await page.click("form[action='/login/verify'] button[type=submit]");
  await page.waitForURL("**/portal");
}

// "Handla: Elsa Lindqvist": a visible word and, visually hidden, whom it is about (Chromium puts a space
// before the hidden part).
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const named = (what, whom) => new RegExp("^" + esc(what) + "\\s*:\\s*" + esc(whom) + "(,|$)");

const shot = (page, name) => page.screenshot({ path: join(shots, `portal-step-${name}.png`), fullPage: true });

// R_OMB_3: whom the order is for and the note, on the page as it is now.
async function whom(page, name, note, where) {
  const box = await page.locator("aside.whom").textContent();
  expect(box.includes("Du handlar åt: " + name), `${where}: "Du handlar åt: ${name}"`);
  if (note) expect(box.includes(note), `${where}: the note "${note}"`);
}

export default async function ({ browser, base }) {
  const password = portalConstant("kDemoPortalPassword");
  const ordererEmail = portalConstant("kDemoPortalOrdererEmail");
  const adminEmail = portalConstant("kDemoPortalAdminEmail");
  const contexts = [];
  const open = async (width, height) => {
    const d = await newDevice(browser, base, width, height);
    contexts.push(d[0]);
    return d[1];
  };
  try {
    const desk = await open(1280, 900);
    const phone = await open(360, 740);
    await portalLogIn(desk, base, ordererEmail, password);
    await portalLogIn(phone, base, ordererEmail, password);
    const both = [["desktop", desk], ["phone", phone]];

    // The end customers (R_OMB_8): search, and "Handla" on Elsa.
    await everyLanguage(both, "/portal", "portal-list");
    await desk.goto("/portal?lang=sv");
    expect((await desk.textContent("header.site")).includes("Västerås stad, hemtjänst"),
      "the organisation in the header");
    await desk.fill("#q", "Elsa");
    await desk.click("main form[role=search] button[type=submit]");
    await desk.waitForURL((u) => u.searchParams.get("q") === "Elsa");
    const row = desk.locator("li.customer", { hasText: "Elsa Lindqvist" });
    expect((await row.textContent()).includes("Ingen order"), "Elsa has no order yet");
    await shot(desk, "01-list");
    await desk.getByRole("link", { name: named("Handla", "Elsa Lindqvist") }).click();
    await desk.waitForURL(/\/portal\/shop\/\d+$/);
    const shop = new URL(desk.url()).pathname;
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "the start page");
    expect((await desk.locator("main form[role=search] #shop-q").count()) === 1, "a search box at the top (R_OMB_4)");
    expect((await desk.locator("nav.categories a").count()) > 0, "a category tree (R_OMB_4)");
    expect((await desk.locator("#offers-heading, #current-heading").count()) > 0, "offers or current items");
    await shot(desk, "02-shop-start");
    await everyLanguage(both, shop, "portal-shop-start");

    // Search and add (R_OMB_4, R_OMB_5).
    await desk.goto(shop + "?lang=sv");
    await desk.fill("#shop-q", "mellanmjölk");
    await desk.click("form.shop-search button[type=submit]");
    await desk.waitForURL((u) => u.searchParams.has("q"));
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "the search results");
    await desk.getByLabel(named("Antal", "Mellanmjölk")).first().fill("2");
    await desk.getByRole("button", { name: named("Lägg i varukorgen", "Mellanmjölk") }).first().click();
    await desk.waitForURL((u) => u.searchParams.has("added"));
    expect((await desk.locator("[role=status]").textContent()).includes("varukorgen"), "the item is in the cart");
    await shot(desk, "03-search");
    await everyLanguage(both, shop + "?q=mellanmj%C3%B6lk", "portal-shop-search");

    // Browse the category tree: the first category, then oats and salmon by search.
    await desk.goto(shop + "?lang=sv");
    await desk.locator("nav.categories a").first().click();
    await desk.waitForURL((u) => u.searchParams.has("category"));
    expect((await desk.locator("ul.products li.product").count()) > 0, "a category lists its products");
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "a category");
    await shot(desk, "04-category");
    for (const name of ["Havregryn", "Laxfilé"]) {
      await desk.goto(shop + "?lang=sv&q=" + encodeURIComponent(name.toLowerCase()));
      await desk.getByRole("button", { name: named("Lägg i varukorgen", name) }).first().click();
      await desk.waitForURL((u) => u.searchParams.has("added"));
    }

    // The cart: every item; correct a quantity, remove one (R_OMB_5); save it under a name (R_OMB_9).
    await desk.click("a.cart-link");
    await desk.waitForURL("**/cart");
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "the cart");
    for (const name of ["Mellanmjölk", "Havregryn", "Laxfilé"])
      expect((await desk.locator("ul.lines").textContent()).includes(name), `the cart lists ${name}`);
    await desk.getByLabel(named("Antal", "Havregryn")).fill("2");
    await desk.getByRole("button", { name: "Uppdatera antal" }).click();
    await desk.waitForURL((u) => u.searchParams.get("done") === "updated");
    await desk.getByRole("button", { name: named("Ta bort", "Laxfilé") }).click();
    await desk.waitForURL((u) => u.searchParams.get("done") === "removed");
    expect(!(await desk.locator("ul.lines").textContent()).includes("Laxfilé"), "the salmon is removed");
    expect((await desk.getByLabel(named("Antal", "Havregryn")).inputValue()) === "2", "the oats are 2");
    await desk.fill("#save-name", "Elsas veckohandling");
    await desk.getByRole("button", { name: "Spara varukorg" }).click();
    await desk.waitForURL((u) => u.searchParams.get("done") === "saved");
    await shot(desk, "05-cart");
    await everyLanguage(both, shop + "/cart", "portal-cart");

    // Checkout step 1: substitutions (R_OMB_6): the milk may be substituted, the oats not.
    await desk.goto(shop + "/cart?lang=sv");
    await desk.getByRole("link", { name: "Gå till kassan" }).click();
    await desk.waitForURL("**/checkout");
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "step 1");
    await desk.getByLabel("Ersätt alla varor").uncheck();
    await desk.getByLabel(named("Får ersättas", "Mellanmjölk")).check();
    await desk.getByLabel(named("Får ersättas", "Havregryn")).uncheck();
    await shot(desk, "06-step1-substitutes");
    await everyLanguage(both, shop + "/checkout", "portal-step1");
    await desk.goto(shop + "/checkout?lang=sv");
    await desk.getByLabel("Ersätt alla varor").uncheck();
    await desk.getByLabel(named("Får ersättas", "Mellanmjölk")).check();
    await desk.getByLabel(named("Får ersättas", "Havregryn")).uncheck();
    await desk.getByRole("button", { name: "Spara och fortsätt" }).click();
    await desk.waitForURL("**/checkout/summary");

    // Step 2: the detailed summary, "Gå vidare".
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "step 2");
    const summary = await desk.textContent("main table");
    expect(summary.includes("Får ersättas") && summary.includes("Ersätts inte"), "the summary shows each choice");
    expect((await desk.textContent("dl.totals")).includes("Att betala"), "the total");
    await shot(desk, "07-step2-summary");
    await everyLanguage(both, shop + "/checkout/summary", "portal-step2");
    await desk.goto(shop + "/checkout/summary?lang=sv");
    await desk.getByRole("link", { name: "Gå vidare" }).click();
    await desk.waitForURL("**/checkout/delivery");

    // Step 3: the address from the portal (no field), the times of Elsa's unit only (R_OMB_7).
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "step 3");
    expect((await desk.textContent("p.address")).includes("Vasagatan 12"), "the address from the portal");
    expect((await desk.locator("main input[name=street], main textarea").count()) === 0, "which cannot be changed");
    const times = await desk.locator("input[name=delivery]").count();
    expect(times > 0, "delivery times are offered");
    const labels = await desk.locator("fieldset .check.slot label").allTextContents();
    expect(labels.every((l) => /tisdag|torsdag/.test(l)),
      "only Centrum's Tuesdays and Thursdays: " + labels.join(" | "));
    await shot(desk, "08-step3-delivery");
    await everyLanguage(both, shop + "/checkout/delivery", "portal-step3");
    await desk.goto(shop + "/checkout/delivery?lang=sv");
    await desk.locator("input[name=delivery]").first().check();
    await desk.getByRole("button", { name: "Gå vidare" }).click();
    await desk.waitForURL("**/checkout/payment?**");

    // Step 4: the preset payment and an empty reference, neither editable; "Slutför köp".
    await whom(desk, "Elsa Lindqvist", "Laktosintolerant", "step 4");
    expect((await desk.getByLabel("Betalsätt").inputValue()).startsWith("Faktura"), "invoice, as the portal says");
    expect(await desk.getByLabel("Betalsätt").getAttribute("readonly") !== null, "the payment cannot be changed");
    expect((await desk.getByLabel("Referens").inputValue()) === "", "the reference is empty");
    expect(await desk.getByLabel("Referens").getAttribute("readonly") !== null, "and stays so");
    await shot(desk, "09-step4-payment");
    const payment = new URL(desk.url());
    await everyLanguage(both, payment.pathname + payment.search, "portal-step4");
    await desk.goto(payment.pathname + payment.search + "&lang=sv");
    await desk.getByRole("button", { name: "Slutför köp" }).click();
    await desk.waitForURL(/\/portal\/orders\/[^/?]+\?done=ordered/);

    // The order and the list say "Beställd" (R_OMB_8).
    expect((await desk.textContent("main")).includes("Beställd"), "the order is Beställd");
    await shot(desk, "10-order");
    const order = new URL(desk.url()).pathname;
    await everyLanguage(both, order, "portal-order");
    await desk.goto("/portal?lang=sv&q=Elsa");
    expect((await desk.locator("li.customer", { hasText: "Elsa Lindqvist" }).textContent()).includes("Beställd"),
      "the list says Beställd");
    await shot(desk, "11-list-ordered");

    // Reuse the saved cart (R_OMB_9): for Gunnar Ek, from his shop; then edit it and "Spara ändringar".
    await desk.fill("#q", "Gunnar");
    await desk.click("main form[role=search] button[type=submit]");
    await desk.getByRole("link", { name: named("Handla", "Gunnar Ek") }).click();
    await desk.waitForURL(/\/portal\/shop\/\d+$/);
    const gunnar = new URL(desk.url()).pathname;
    await desk.locator("aside.whom").getByRole("link", { name: "Sparade varukorgar" }).click();
    await desk.waitForURL("**/portal/saved-carts?customer=*");
    await whom(desk, "Gunnar Ek", "", "the saved carts from his shop");
    await shot(desk, "12-saved-carts");
    await desk.getByRole("button", { name: named("Lägg i varukorg", "Elsas veckohandling") }).click();
    await desk.waitForURL("**/cart?done=saved-added");
    for (const name of ["Mellanmjölk", "Havregryn"])
      expect((await desk.locator("ul.lines").textContent()).includes(name), `Gunnar's cart has ${name}`);
    await shot(desk, "13-saved-cart-reused");
    await everyLanguage(both, "/portal/saved-carts", "portal-saved-carts");
    await desk.goto("/portal/saved-carts?lang=sv");
    await desk.getByRole("link", { name: "Elsas veckohandling" }).click();
    await desk.waitForURL(/\/portal\/saved-carts\/\d+$/);
    const saved = new URL(desk.url()).pathname;
    await desk.getByLabel(named("Antal", "Mellanmjölk")).fill("4");
    await desk.getByRole("button", { name: "Spara ändringar" }).click();
    await desk.waitForURL("**?done=saved");
    expect((await desk.getByLabel(named("Antal", "Mellanmjölk")).inputValue()) === "4", "the change is saved");
    await shot(desk, "14-saved-cart-edited");
    await everyLanguage(both, saved, "portal-saved-cart");
    await everyLanguage(both, gunnar + "/cart", "portal-cart-gunnar");
    await onlyEssentialCookies(contexts[0], "portal (orderer)");

    // An orderer has no administration; the administrator's pages pass axe too.
    const refused = await desk.goto("/portal/admin?lang=sv");
    expect(refused.status() === 403, `an orderer gets 403 on /portal/admin (got ${refused.status()})`);
    await audit(desk, "portal-admin-refused (sv, desktop)");
    const adminDesk = await open(1280, 900);
    const adminPhone = await open(360, 740);
    await portalLogIn(adminDesk, base, adminEmail, password);
    await portalLogIn(adminPhone, base, adminEmail, password);
    const admins = [["desktop", adminDesk], ["phone", adminPhone]];
    await everyLanguage(admins, "/portal/admin", "portal-admin");
    await adminDesk.goto("/portal/admin?lang=sv");
    await adminDesk.locator("#customers").scrollIntoViewIfNeeded();
    await adminDesk.getByRole("link", { name: "Elsa Lindqvist" }).click();
    await adminDesk.waitForURL(/\/portal\/admin\/customers\/\d+$/);
    await everyLanguage(admins, new URL(adminDesk.url()).pathname, "portal-admin-customer");
    await everyLanguage(admins, "/portal/admin/customers/new", "portal-admin-customer-new");

    // "Glömt lösenord" and a link that no longer works, as a visitor.
    const visitor = await open(360, 740);
    await everyLanguage([["phone", visitor]], "/forgot-password", "password-forgot");
    await everyLanguage([["phone", visitor]], "/reset-password?token=w.expired-or-unknown", "password-dead-link");

    // Log out.
    await desk.goto("/portal?lang=sv");
    await desk.getByRole("button", { name: "Logga ut" }).click();
    await desk.waitForURL("**/login");
  } finally {
    for (const c of contexts) await c.close();
  }
}
