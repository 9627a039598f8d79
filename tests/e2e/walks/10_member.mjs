// The demo member logs in and activates an offer on the web (R_OFF_2); a member ends the session on another
// device (R_AUTH_3); My pages pass axe in four languages on a phone and a desktop.
import { everyLanguage, expect, logIn, newDevice, onlyEssentialCookies } from "../lib.mjs";

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
