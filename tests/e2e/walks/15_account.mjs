// My pages for the member's own affairs: an owner in Sweden adds participants through the form until the
// 20th is refused (R_HH_3); a Danish customer with a profile, whose savings reach the share, becomes a member
// (R_MEM_3); the household, cards, consents and ending pages pass axe in four languages.
import { constant, everyLanguage, expect, lastMessageTo, logIn, newDevice, onlyEssentialCookies } from "../lib.mjs";

// A Swedish personnummer born on YYYYMMDD with serial n, its Luhn digit computed.
function personnummer(date, n) {
  const body = date.slice(2) + String(n).padStart(3, "0");
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = Number(body[i]) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return date + String(n).padStart(3, "0") + String((10 - (sum % 10)) % 10);
}

// The login's second step: the code the demo's SMS gateway "sent" to `phone`.
async function enterCode(page, base, phone) {
  const sms = await lastMessageTo(base, phone);
  const code = sms.match(/([0-9]{6})/)[1];
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL("**/my");
}

export default async function ({ browser, base }) {
  const [context, page] = await newDevice(browser, base, 390, 844);
  try {
    // R_HH_3: Sven, a Swedish household owner, adds 19 participants; the 20th is refused.
    await logIn(page, constant("kDemoSvenEmail"), constant("kDemoPersonPassword"));
    await enterCode(page, base, "+46700000001");
    for (let i = 1; i <= 20; i++) {
      await page.goto("/my/household?lang=en");
      await page.getByLabel("National identity number").fill(personnummer("20120304", i));
      await page.getByLabel("First name").fill("Barn");
      await page.getByLabel("Last name").fill("Svensson " + i);
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.waitForLoadState();
      if (i <= 19) {
        expect(page.url().endsWith("/my/household?done=added"), `participant ${i} is added`);
      } else {
        const alert = await page.locator("[role=alert]").textContent();
        expect(alert.includes("largest number of participants"), "the 20th is refused (R_HH_3): " + alert);
        expect((await page.getByLabel("Last name").inputValue()) === "Svensson 20", "the form keeps the entry");
      }
    }
    expect((await page.locator("ul.people li").count()) === 20, "the owner and 19 participants are listed");
    await everyLanguage([["phone", page]], "/my/household", "household");
    await everyLanguage([["phone", page]], "/my/cards", "cards");
    await everyLanguage([["phone", page]], "/my/privacy", "privacy");
    await everyLanguage([["phone", page]], "/my/ending", "ending");
    await everyLanguage([["phone", page]], "/my/terms", "terms");
    await everyLanguage([["phone", page]], "/my/details", "details");
    await page.goto("/my?lang=en");
    await page.getByRole("button", { name: "Log out" }).first().click();

    // R_MEM_3: Peter, a customer with a profile, saves 1 % of his purchases (R_MEM_2); at 200 kr he converts.
    const login = await (
      await fetch(base + "/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: constant("kDemoPeterEmail"), password: constant("kDemoPersonPassword") }),
      })
    ).json();
    const code = (await lastMessageTo(base, "+4520000002")).match(/([0-9]{6})/)[1];
    const session = await (
      await fetch(base + "/api/v1/auth/login/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ challenge: login.challenge, code }),
      })
    ).json();
    const mine = await (
      await fetch(base + "/api/v1/me/data-export", { headers: { authorization: "Bearer " + session.token } })
    ).json();
    const card = JSON.stringify(mine).match(/"card_number":"([0-9]{16})"/)[1];
    const receipt = await fetch(base + "/api/v1/till/receipts", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + constant("kDemoTillToken") },
      body: JSON.stringify({
        receipt_id: "e2e-r-mem-3", till: "1", occurred_at: new Date().toISOString(), customer: { card },
        lines: [{ sku: "5700000000011", category: "groceries", quantity: 1, amount_minor: 2500000 }],
        tenders: [{ kind: "card", amount_minor: 2500000 }],
      }),
    });
    expect(receipt.status === 201, "the till's receipt is booked: " + receipt.status);
    await logIn(page, constant("kDemoPeterEmail"), constant("kDemoPersonPassword"));
    await enterCode(page, base, "+4520000002");
    await page.getByRole("link", { name: "Become a member" }).click();
    await page.waitForURL("**/my/membership");
    await everyLanguage([["phone", page]], "/my/membership", "membership");
    await page.goto("/my/membership?lang=en");
    await page.getByRole("button", { name: "Become a member now" }).click();
    await page.waitForURL("**/my?welcome=member");
    expect((await page.locator("[role=status]").textContent()).includes("Welcome"), "welcomed as a member");
    expect((await page.textContent("main")).includes("Member number"), "the new member number is shown");
    await onlyEssentialCookies(context, "15_account.mjs");
  } finally {
    await context.close();
  }
}
