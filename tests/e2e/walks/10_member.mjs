// The demo member logs in and activates an offer on the web (R_OFF_2); a member ends the session on another
// device (R_AUTH_3); My pages pass axe in four languages on a phone and a desktop.
import { constant, everyLanguage, expect, logIn, newDevice, onlyEssentialCookies } from "../lib.mjs";

// A receipt from the demo till of dk-odense-1 for the demo member: its status.
async function postReceipt(base, receipt) {
  const r = await fetch(base + "/api/v1/till/receipts", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + constant("kDemoTillToken") },
    body: JSON.stringify({ till: "1", occurred_at: new Date().toISOString(),
      customer: { member_number: constant("kDemoMemberNumber") }, ...receipt }),
  });
  return r.status;
}

export default async function ({ browser, base }) {
  const [phoneContext, phone] = await newDevice(browser, base, 360, 740);
  const [desktopContext, desktop] = await newDevice(browser, base, 1280, 900);
  const both = [["phone", phone], ["desktop", desktop]];
  try {
    await everyLanguage(both, "/login", "login");
    await logIn(phone);
    await phone.waitForURL("**/my");
    await logIn(desktop);
    await desktop.waitForURL("**/my");
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

    // R_BON_8: a purchase and a return of part of it; the receipts, the sale with its lines and return, and
    // the partners by category (R_PART_2), on the phone in four languages.
    const milk = { sku: "5700000000011", category: "groceries" };
    expect(await postReceipt(base, { receipt_id: "e2e-r-bon-8",
      lines: [{ ...milk, quantity: 2, amount_minor: 2590 }, { sku: "5700000000097", category: "groceries",
        quantity: 532, amount_minor: 1064, discount_minor: 100 }],
      tenders: [{ kind: "card", amount_minor: 3554 }] }) === 201, "the till's sale is booked");
    expect(await postReceipt(base, { receipt_id: "e2e-r-bon-8-return", original_receipt_id: "e2e-r-bon-8",
      lines: [{ ...milk, quantity: -1, amount_minor: -1295 }], tenders: [{ kind: "card", amount_minor: -1295 }] })
      === 201, "the till's return is booked");
    await phone.goto("/my/receipts?lang=en");
    await phone.locator("main tbody tr").nth(1).locator("a").click();
    await phone.waitForURL("**/my/receipts/*");
    const receipt = new URL(phone.url()).pathname;
    expect((await phone.textContent("main")).includes("Økologisk letmælk"), "the receipt names its lines");
    for (const [path, name] of [["/my/receipts", "receipts"], [receipt, "receipt"], ["/my/partners", "partners"]])
      await everyLanguage([["phone", phone]], path, name);
    expect((await phone.textContent("main")).includes("Synoptik"), "the partners are listed");

    // The phone logs the desktop out.
    await phone.goto("/my/sessions?lang=en");
    await phone.getByRole("button", { name: "Log out everywhere else" }).click();
    await phone.waitForURL("**/my/sessions?ended=others");
    expect((await phone.locator("[role=status]").textContent()).includes("everywhere else"), "others ended");
    await desktop.goto("/my");
    expect(desktop.url().endsWith("/login"), "the other device is sent to the login");
    await phone.goto("/my");
    expect(phone.url().endsWith("/my"), "this device stays logged in");
    await onlyEssentialCookies(phoneContext, "10_member.mjs");
    await onlyEssentialCookies(desktopContext, "10_member.mjs");
  } finally {
    await phoneContext.close();
    await desktopContext.close();
  }
}
