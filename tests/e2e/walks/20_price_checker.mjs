// The store's price checker (R_OFF_2): set up with the kiosk key, a product scanned, the screen back to the
// start after 30 s (warned at 10 s, one tap stays: WCAG 2.2.1), then a member card with the member's offers.
import { constant, everyLanguage, expect, newDevice, onlyEssentialCookies } from "../lib.mjs";

export default async function ({ browser, base }) {
  const member = await (
    await fetch(base + "/api/v1/members/33216744", {
      headers: { authorization: "Bearer " + constant("kDemoBackOfficeToken") },
    })
  ).json();
  const cardNumber = member.cards.find((c) => c.status === "active").card_number;
  const [context, kiosk] = await newDevice(browser, base, 1080, 1920);
  const scanned = async (code) => {
    await kiosk.waitForFunction(() => document.activeElement && document.activeElement.id === "code");
    await kiosk.keyboard.type(code); // a barcode scanner types the code and Enter
    await kiosk.keyboard.press("Enter");
    await kiosk.waitForURL("**/price-checker/scan?code=*");
  };
  try {
    await everyLanguage([["kiosk", kiosk]], "/price-checker", "kiosk-setup");
    await kiosk.goto("/price-checker?lang=da");
    await kiosk.getByLabel("Nøgle til prisscanneren").fill(constant("kDemoKioskToken"));
    await kiosk.getByRole("button", { name: "Gem" }).click();
    await kiosk.waitForURL("**/price-checker");
    await scanned("5700000000011");
    expect((await kiosk.locator(".price").first().textContent()).includes("kr"), "the product's price is shown");

    await context.clock.install();
    await kiosk.goto("/price-checker/scan?code=5700000000011");
    await kiosk.clock.runFor(11000);
    expect(await kiosk.locator("#idle-warning").isVisible(), "the idle warning shows after 10 s");
    await kiosk.locator("#idle-warning button").click();
    expect(!(await kiosk.locator("#idle-warning").isVisible()), "one tap keeps the screen");
    await kiosk.clock.runFor(25000);
    expect(kiosk.url().includes("/scan?code="), "the tap restarted the 30 s");
    await kiosk.clock.runFor(6000);
    await kiosk.waitForURL("**/price-checker");
    await everyLanguage([["kiosk", kiosk]], "/price-checker/scan?code=5700000000011", "kiosk-product");

    await kiosk.goto("/price-checker?lang=da");
    await scanned(cardNumber);
    const main = await kiosk.textContent("main");
    expect((await kiosk.textContent("h1")).startsWith("Hej "), "the member is greeted by first name: " + main);
    expect(!(await kiosk.content()).includes(cardNumber), "the card number is not in the page");
    await everyLanguage([["kiosk", kiosk]], "/price-checker/scan?code=" + cardNumber, "kiosk-member");
    await onlyEssentialCookies(context, "20_price_checker.mjs");
  } finally {
    await context.close();
  }
}
