// Staff helping a member who cannot log in (issue 8 §4, R_AUTH_3), in the back office (issue 8 §2).
//
// What it proves: Anna (anna@example.org, dk) locks her login with wrong passwords; customer service logs in
// (e-mail + password, then the code e-mailed), finds her by e-mail in the back office, sees that the login is
// locked, is refused an action without a reason (the error is announced next to the field), lifts the lock
// and sends a new-password link, each with a reason; Anna then sets a new password with that link and logs
// in with it (and her SMS code) to My pages. She follows the link from the SMS in the demo's outbox to its
// page (/reset-password), which passes axe too, and chooses the password twice.
// Customer service does not see the back office's buttons (block a card, move, end); the admin does, and
// both views pass axe in four languages on a 360 px phone and a desktop. The admin changes Anna's e-mail (a
// wrong one is refused next to its field first) and takes a participant out of the demo member's household
// and back in by member number, each with a reason.
import { audit, constant, everyLanguage, expect, lastMessageTo, logIn, newDevice } from "../lib.mjs";

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
  const anna = constant("kDemoAnnaEmail");
  const annaPhone = "+4520000001";
  const devices = [];
  const open = async (width, height) => {
    const d = await newDevice(browser, base, width, height);
    devices.push(d[0]);
    return d[1];
  };
  try {
    const member = await open(360, 740);
    const agentPhone = await open(360, 740);
    const agentDesk = await open(1280, 900);

    // Anna has forgotten her password: five wrong ones lock the login, and then even the right one is refused.
    for (let i = 0; i < 5; i++) await logIn(member, anna, "not-her-password-" + i);
    await logIn(member, anna, constant("kDemoPersonPassword"));
    expect((await member.locator("[role=alert]").textContent()).includes("Too many attempts"),
      "the locked login says so");

    // Customer service logs in and starts in the back office.
    await staffLogIn(agentPhone, base, constant("kDemoAgentEmail"));
    await staffLogIn(agentDesk, base, constant("kDemoAgentEmail"));
    const agent = [["phone", agentPhone], ["desktop", agentDesk]];
    await everyLanguage(agent, "/back-office", "bo-search");
    await everyLanguage(agent, "/back-office?q=" + encodeURIComponent(anna), "bo-results");

    // Finds Anna by her e-mail address.
    await agentDesk.goto("/back-office?lang=en");
    await agentDesk.fill("#q", anna);
    await agentDesk.click("form[role=search] button[type=submit]");
    await agentDesk.waitForURL((u) => u.searchParams.has("q"));
    await agentDesk.getByRole("link", { name: "Anna Jensen" }).click();
    await agentDesk.waitForURL("**/back-office/members/*");
    const memberPath = new URL(agentDesk.url()).pathname;
    expect((await agentDesk.textContent("main")).includes("Locked after too many wrong passwords"),
      "the member's page shows that the login is locked");
    expect((await agentDesk.locator("form[action$='/block']").count()) === 0,
      "customer service has no button to block a card");
    expect((await agentDesk.locator("form[action$='/ending']").count()) === 0,
      "nor to end the membership");
    await everyLanguage(agent, memberPath, "bo-member-agent");

    // Without a reason nothing is done, and the error is announced next to the field.
    await agentDesk.goto(memberPath + "?lang=en");
    await agentDesk.click(`form[action='${memberPath}/login-help/unlock'] button[type=submit]`);
    await agentDesk.waitForSelector("#reason-unlock-error");
    expect((await agentDesk.getAttribute("#reason-unlock", "aria-invalid")) === "true", "the reason is marked invalid");
    expect((await agentDesk.textContent("#reason-unlock-error")).includes("Give a reason"), "and why");
    await audit(agentDesk, "bo-member-reason-missing (en, desktop)");

    // Lifts the lock and sends a new-password link, each with a reason.
    await agentDesk.fill("#reason-unlock", "Anna phoned: locked out after wrong passwords");
    await agentDesk.click(`form[action='${memberPath}/login-help/unlock'] button[type=submit]`);
    await agentDesk.waitForURL((u) => u.search.includes("done=unlock"));
    expect((await agentDesk.locator("[role=status]").textContent()).includes("The lock is lifted"), "unlocked");
    await agentDesk.fill("#reason-reset", "Anna has forgotten her password");
    await agentDesk.click(`form[action='${memberPath}/login-help/reset'] button[type=submit]`);
    await agentDesk.waitForURL((u) => u.search.includes("done=reset-sms"));
    expect((await agentDesk.locator("[role=status]").textContent()).includes("sent by SMS"), "the link is sent");
    await audit(agentDesk, "bo-member-done (en, desktop)");

    // Anna follows the link from her SMS to its page, chooses a password twice, and logs in again.
    const sms = await lastMessageTo(base, annaPhone);
    const token = sms.match(/token=(r\.[0-9a-f]{64})/);
    expect(token, "the SMS carries a new-password link");
    const chosen = "anna-chose-this-herself";
    await member.goto("/reset-password?lang=en&token=" + (token ? token[1] : ""));
    await audit(member, "reset-password (en, phone)");
    await member.getByLabel("New password").fill(chosen);
    await member.getByLabel("Repeat the password").fill(chosen);
    await member.getByRole("button", { name: "Save the password" }).click();
    await member.waitForSelector("[role=status]");
    expect((await member.locator("[role=status]").textContent()).includes("Your new password is saved"),
      "the link's page sets the password");
    await logIn(member, anna, chosen);
    await member.waitForSelector("#code");
    const code = (await lastMessageTo(base, annaPhone)).match(/\b(\d{6})\b/);
    expect(code, "Anna gets her SMS code");
    await member.fill("#code", code ? code[1] : "");
    await member.click("form[action='/login/verify'] button[type=submit]");
    await member.waitForURL("**/my");
    expect(member.url().endsWith("/my"), "Anna is logged in to My pages");

    // The admin sees and may do more: the same page with balances, the audit trail and the back office's
    // actions, accessible too.
    const adminPhone = await open(360, 740);
    const adminDesk = await open(1280, 900);
    await staffLogIn(adminPhone, base, constant("kDemoAdminEmail"));
    await staffLogIn(adminDesk, base, constant("kDemoAdminEmail"));
    await adminDesk.goto(memberPath + "?lang=en");
    expect((await adminDesk.locator("form[action$='/block']").count()) >= 1, "the admin may block a card");
    expect((await adminDesk.textContent("main")).includes("send_password_reset"), "the audit trail shows the reset");
    await everyLanguage([["phone", adminPhone], ["desktop", adminDesk]], memberPath, "bo-member-admin");

    // Contact data: what the service refuses is said next to the field, and what was typed is kept.
    await adminDesk.goto(memberPath + "?lang=en");
    await adminDesk.fill("#contact-email", "anna-at-example.org");
    await adminDesk.fill("#reason-contact", "Anna phoned with her new e-mail");
    await adminDesk.click(`form[action='${memberPath}/contact'] button[type=submit]`);
    await adminDesk.waitForSelector("#contact-email-error");
    expect((await adminDesk.getAttribute("#contact-email", "aria-invalid")) === "true", "the e-mail is marked invalid");
    await audit(adminDesk, "bo-member-contact-error (en, desktop)");
    await adminDesk.fill("#contact-email", anna);
    await adminDesk.click(`form[action='${memberPath}/contact'] button[type=submit]`);
    await adminDesk.waitForURL((u) => u.search.includes("done=contact"));
    expect((await adminDesk.textContent("main")).includes("The contact data was changed"), "the event as a sentence");

    // The household: a participant out of the demo member's household and back in by member number.
    const demoPath = "/back-office/members/" + constant("kDemoMemberNumber");
    await adminDesk.goto(demoPath + "?lang=en");
    const dennisHref = await adminDesk.getByRole("link", { name: "Dennis Andelsen" }).getAttribute("href");
    const dennis = dennisHref.split("/").pop();
    await adminDesk.fill(`#reason-remove-${dennis}`, "Dennis moved out");
    await adminDesk.click(`form[action='${demoPath}/household/participants/${dennis}/removal'] button[type=submit]`);
    await adminDesk.waitForURL((u) => u.search.includes("done=participant-removed"));
    await adminDesk.fill("#add-participant-participant-number", dennis);
    await adminDesk.fill("#reason-add-participant", "Dennis moved back");
    await adminDesk.click(`form[action='${demoPath}/household/participants'] button[type=submit]`);
    await adminDesk.waitForURL((u) => u.search.includes("done=participant-added"));
    expect((await adminDesk.locator("[role=status]").textContent()).includes("added to the household"), "re-added");
    await audit(adminDesk, "bo-member-household (en, desktop)");

    // Staff log out of the back office.
    await agentDesk.goto("/back-office?lang=en");
    await agentDesk.getByRole("button", { name: "Log out" }).click();
    await agentDesk.waitForURL("**/login");
  } finally {
    for (const c of devices) await c.close();
  }
}
