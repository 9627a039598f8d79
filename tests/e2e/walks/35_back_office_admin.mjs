// The back office's administration (issue 8 §2): partners and agreements, offers, re-login campaigns and
// reports.
//
// What it proves: the admin (admin@andel.example) logs in, follows the back office's navigation to each new
// page, and each passes axe on a desktop, the lists also on a 360 px phone; on Synoptik's page an agreement
// with a wrong rate is refused with the error next to the field (announced, marked invalid, axe-clean), and
// then added, after which the rate is in the agreements' table. Customer service's navigation has none of
// these pages.
import { audit, constant, expect, lastMessageTo, logIn, newDevice } from "../lib.mjs";

// Staff log in through the same form as members; the second step's code comes by e-mail.
async function staffLogIn(page, base, email) {
  await logIn(page, email, constant("kDemoStaffPassword"));
  await page.waitForSelector("#code");
  const code = (await lastMessageTo(base, email)).match(/\b(\d{6})\b/);
  expect(code, `a login code was e-mailed to ${email}`);
  await page.fill("#code", code ? code[1] : "");
  await page.click("form[action='/login/verify'] button[type=submit]");
  await page.waitForURL("**/back-office");
}

export default async function ({ browser, base }) {
  const devices = [];
  const open = async (width, height) => {
    const d = await newDevice(browser, base, width, height);
    devices.push(d[0]);
    return d[1];
  };
  try {
    const desk = await open(1280, 900);
    const phone = await open(360, 740);
    await staffLogIn(desk, base, constant("kDemoAdminEmail"));
    await staffLogIn(phone, base, constant("kDemoAdminEmail"));

    // Each page through the navigation, on the desktop; the lists on the phone too.
    await desk.goto("/back-office?lang=en");
    for (const [name, path] of [["Partners", "/back-office/partners"], ["Offers", "/back-office/offers"],
      ["Re-login", "/back-office/relogin"], ["Reports", "/back-office/reports"]]) {
      await desk.getByRole("navigation", { name: "Back office" }).getByRole("link", { name }).click();
      await desk.waitForURL("**" + path);
      expect((await desk.getAttribute(`nav a[href='${path}']`, "aria-current")) === "page", `${name} is current`);
      await audit(desk, `bo-admin ${path} (en, desktop)`);
      await phone.goto(path + "?lang=da");
      await audit(phone, `bo-admin ${path} (da, phone)`);
    }
    await desk.goto("/back-office/offers/dk-kaffe-3-for-2");
    expect((await desk.textContent("main")).includes("3 for 2"), "the offer says what it does");
    await audit(desk, "bo-admin offer (en, desktop)");
    await desk.goto("/back-office/reports?dividend_year=2025");
    expect((await desk.textContent("main")).includes("A dry run"), "the dividend preview says it is one");
    await audit(desk, "bo-admin dividend preview (en, desktop)");

    // An agreement: a wrong rate is refused next to its field, a right one is added.
    await desk.goto("/back-office/partners/dk-synoptik");
    await audit(desk, "bo-admin partner (en, desktop)");
    await desk.fill("#agreement-category", "lenses");
    await desk.fill("#agreement-label", "Contact lenses");
    await desk.fill("#agreement-rate", "five");
    await desk.click("form[action$='/agreements'] button[type=submit]");
    await desk.waitForSelector("#agreement-rate-error");
    expect((await desk.getAttribute("#agreement-rate", "aria-invalid")) === "true", "the rate is marked invalid");
    expect((await desk.inputValue("#agreement-label")) === "Contact lenses", "what was typed stays");
    await audit(desk, "bo-admin agreement refused (en, desktop)");
    await desk.fill("#agreement-rate", "2.5");
    await desk.click("form[action$='/agreements'] button[type=submit]");
    await desk.waitForURL((u) => u.search.includes("done=agreement-added"));
    expect((await desk.textContent("main")).includes("Contact lenses"), "the agreement is in the table");
    expect((await desk.textContent("main")).includes("2.5%"), "at its rate");
    await phone.goto("/back-office/partners/dk-synoptik?lang=sv");
    await audit(phone, "bo-admin partner (sv, phone)");

    // Customer service's navigation has only the search.
    const agent = await open(1280, 900);
    await staffLogIn(agent, base, constant("kDemoAgentEmail"));
    expect((await agent.locator("nav a[href='/back-office/partners']").count()) === 0,
      "customer service is not shown the partners");
    const refused = await agent.goto("/back-office/partners");
    expect(refused.status() === 403, "and cannot open them");
  } finally {
    for (const c of devices) await c.close();
  }
}
