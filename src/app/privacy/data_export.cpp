#include "app/privacy/data_export.hpp"

#include <algorithm>
#include <set>

#include "app/transaction.hpp"
#include "core/membership/numbers.hpp"
#include "store/access/account_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using nlohmann::json;
using store::Int;

std::string Time(const std::optional<int64_t>& ms) {
    return ms ? core::FormatTimestamp(core::FromMillis(*ms)) : std::string();
}

// Columns shown as numbers; the rest (member and card numbers, postal codes, ids of sales) are text.
bool IsNumber(const std::string& name) {
    static const std::set<std::string> kNumbers = {
        "id",         "household_id", "points",         "balance",   "amount",
        "earned",     "remaining",    "month",          "lot_month", "year",
        "receipts",   "is_demo",      "major",          "by_email",  "by_sms",
        "by_post",    "by_app",       "ad_block",       "marketing", "authenticator_app",
        "credited",   "taken_back",   "reminders_sent", "given",     "monthly_limit_minor",
        "line_count", "active",       "quantity"};
    return kNumbers.contains(name) || name.ends_with("_minor") || name.ends_with("_bp");
}

// The rows of a query as objects: each column by name; `times` are Unix milliseconds shown as RFC 3339.
json Rows(store::Connection& c, const std::string& sql, std::initializer_list<store::Value> params,
          const std::vector<std::string>& names, const std::vector<std::string>& times = {}) {
    json out = json::array();
    for (const auto& r : c.Query(sql, params)) {
        json row = json::object();
        for (size_t i = 0; i < names.size(); ++i) {
            const auto& name = names[i];
            if (r.IsNull(i)) {
                row[name] = nullptr;
            } else if (std::find(times.begin(), times.end(), name) != times.end()) {
                row[name] = Time(r.Int(i));
            } else if (IsNumber(name)) {
                row[name] = r.Int(i);
            } else {
                row[name] = r.Text(i);
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace

const std::vector<ExportCoverage>& ExportCoverageList() {
    static const std::vector<ExportCoverage> kList = {
        {"persons", true, "the member's person_id",
         "every personal column emptied (names, birth date, contact, address, national id hash)"},
        {"members", true, "the member",
         "kept as an anonymous shell for the books: number, home store, reason cleared; erased_at set"},
        {"households", true, "the household the member is in", "kept: an id and its owner's shell"},
        {"household_members", true, "member_id, and the household's members by number and role",
         "deleted (an ended membership is in no household)"},
        {"household_events", true, "member_id",
         "deleted; the heir's hand-over event no longer names the member"},
        {"cards", true, "member_id", "deleted"},
        {"till_cards", true,
         "member_id: a copy, for tills, of what cards, membership, person and household export already",
         "deleted with the cards, by its triggers (migration 0025)"},
        {"till_card_changes", false,
         "card numbers only, in the order their till_cards row changed, for the nodes' copies in memory",
         "pruned by age: no row is older than ten minutes (migration 0026)"},
        {"till_card_feed", false, "one counter: how far till_card_changes was pruned", "nothing to erase"},
        {"member_events", true, "member_id", "deleted"},
        {"terms_acceptances", true, "member_id", "deleted"},
        {"marketing_choices", true, "member_id", "deleted"},
        {"accounts", true, "member_id (never the password hash or TOTP seed)", "deleted"},
        {"sessions", true, "account_id (never the token hash)", "deleted"},
        {"auth_challenges", true, "account_id (never the code hash or sealed payload)", "deleted"},
        {"contact_changes", true, "member_id (never the code hash or the sealed new value)", "deleted"},
        {"audit_log", true, "subject_member_id",
         "kept (who did what, when) without its detail; an 'erased' entry added"},
        {"outbox", true, "member_id or account_id (never the sealed body)",
         "deleted; anyone's message also loses recipient and body 90 days after it was sent"},
        {"inbox_messages", true, "member_id", "deleted"},
        {"relogin_participants", true, "member_id", "deleted"},
        {"consent_events", true, "member_id", "deleted"},
        {"receipts", true, "member_id", "kept for the books and the dividend, without the member"},
        {"redemptions", true, "member_id", "kept for the books, on the shell"},
        {"vouchers", true, "the member's redemptions (never the code hash)",
         "kept: a code hash and an amount"},
        {"partner_sales", true, "member_id", "kept for the partner's settlement, on the shell"},
        {"partner_sale_reversals", true, "the member's partner sales", "kept for the partner's settlement"},
        {"ledger_accounts", true, "owned by the member, or by the household the member owns",
         "kept: the ledger still balances"},
        {"ledger_entries", true, "those with postings on the member's accounts",
         "kept; descriptions that named the member number rewritten"},
        {"ledger_postings", true, "on the member's accounts", "kept"},
        {"points_lots", true, "the member's accounts", "kept"},
        {"household_month_spend", true, "the household the member owns", "kept: amounts per month"},
        {"dividend_lines", true, "the household the member owns", "kept for the books"},
        {"inactivity_notices", true, "the household the member owns", "kept: dates only"},
        {"payment_methods", true, "member_id (never the provider's token)",
         "kept for the payments' books without token or label"},
        {"coopay_activations", true, "member_id", "deleted"},
        {"offer_assignments", true, "member_id", "deleted"},
        {"offer_activations", true, "member_id", "deleted"},
        {"basket_quotes", true, "member_id (the quote key is a till's, not shown)", "deleted"},
        {"offer_redemptions", true, "member_id", "kept for the books, on the shell"},
        {"offers", false, "the operator's offers", "nothing to erase"},
        {"self_scan_rights", true, "member_id", "deleted"},
        {"self_scan_sessions", true, "member_id (the session key is a device's, not shown)",
         "deleted (the receipt keeps the purchase, without identity)"},
        {"portal_end_customers", true,
         "member_id: where an organisation's proxy-ordering portal shops for the member (R_OMB_10)",
         "the link to the member cleared; the record is the organisation's, kept until it removes it"},
        {"portal_orders", true, "the orders of those end customer records",
         "kept: the organisation's orders, no longer linked to the member"},
        {"portal_order_lines", true, "the lines of those orders", "kept with the order"},
        {"portal_organisations", false, "business customers of the portal", "nothing to erase"},
        {"portal_units", false, "an organisation's units", "nothing to erase"},
        {"portal_slots", false, "an organisation's delivery slots", "nothing to erase"},
        {"portal_slot_bookings", false, "counts per delivery", "nothing to erase"},
        {"portal_cart_items", true, "account_id: carts are a portal orderer's; a member's login has none",
         "deleted with the member's logins"},
        {"portal_saved_carts", true,
         "account_id: saved carts are a portal orderer's; a member's login has none",
         "deleted with the member's logins"},
        {"portal_saved_cart_items", true, "the items of those saved carts", "deleted with them"},
        {"family_payment_limits", true, "member_id, or owner_member_id for the owner's family members",
         "deleted"},
        {"payment_codes", true, "member_id (never the code hash)", "deleted"},
        {"payments", true, "member_id, or owner_member_id for the owner's family members",
         "kept for the books, on the shell, without the code"},
        {"payment_refunds", true, "the member's payments", "kept for the books"},
        {"api_keys", false, "machines' keys (back office, tills, partners)", "nothing to erase"},
        {"auth_throttles", false, "counters keyed by a hash of a login or address, kept minutes",
         "nothing to erase"},
        {"cooperatives", false, "reference data", "nothing to erase"},
        {"catalogue_categories", false, "the product catalogue", "nothing to erase"},
        {"products", false, "the product catalogue", "nothing to erase"},
        {"product_stores", false, "the product catalogue", "nothing to erase"},
        {"products_fts", false, "the catalogue's search index (SQLite)", "nothing to erase"},
        {"stores", false, "reference data", "nothing to erase"},
        {"dividend_runs", false, "totals of a yearly run", "nothing to erase"},
        {"job_leases", false, "which node runs a job", "nothing to erase"},
        {"number_sequences", false, "counters", "nothing to erase"},
        {"partners", false, "companies", "nothing to erase"},
        {"partner_agreements", false, "companies' rates", "nothing to erase"},
        {"partner_settlements", false, "companies' payments", "nothing to erase"},
        {"relogin_campaigns", false, "an operator's campaign", "nothing to erase"},
        {"relogin_waves", false, "an operator's campaign", "nothing to erase"},
        {"schema_migrations", false, "the schema's version", "nothing to erase"},
        {"shop_rewards", false, "the points shop's catalogue", "nothing to erase"},
        {"terms_versions", false, "the published terms", "nothing to erase"},
    };
    return kList;
}

Result<json> DataExport::ForMemberNumber(const std::string& member_number, const std::string& actor) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    auto id = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        auto r = c.QueryOne("SELECT id FROM members WHERE member_number = $1", {store::Text(member_number)});
        if (!r) return Error::NotFound("no member with that number");
        // Reading a member's whole data is recorded (R_AUTH_3: staff help is audited).
        store::AccountRepository(c).Audit(actor, "data_export", r->Int(0), "", core::ToMillis(clock_.Now()));
        return r->Int(0);
    });
    if (!id) return id.error();
    return ForMember(*id);
}

Result<json> DataExport::ForMember(int64_t member_id) {
    auto lease = db_.Read();
    store::Connection& c = *lease;
    auto m = c.QueryOne("SELECT person_id FROM members WHERE id = $1", {Int(member_id)});
    if (!m) return Error::NotFound("no such member");
    const int64_t person_id = m->Int(0);
    auto id = Int(member_id);
    json out;
    out["exported_at"] = core::FormatTimestamp(clock_.Now());
    out["rule"] = "R_PRIV_4";
    auto person =
        Rows(c,
             "SELECT id, market, first_name, last_name, birth_date, email, phone, street, postal_code, "
             "city, created_at, updated_at FROM persons WHERE id = $1",
             {Int(person_id)},
             {"id", "market", "first_name", "last_name", "birth_date", "email", "phone", "street",
              "postal_code", "city", "created_at", "updated_at"},
             {"created_at", "updated_at"});
    out["person"] = person.empty() ? json(nullptr) : person[0];
    out["person"]["national_id"] = "stored only as a keyed hash (HMAC-SHA-256): Andel cannot read it back";
    out["membership"] =
        Rows(c,
             "SELECT m.member_number, m.kind, m.status, m.market, co.code, st.code, "
             "m.share_paid_minor, m.share_paid_at, m.new_login_at, m.is_demo, m.joined_at, "
             "m.ended_at, m.end_reason FROM members m LEFT JOIN cooperatives co ON co.id = "
             "m.cooperative_id LEFT JOIN stores st ON st.id = m.home_store_id WHERE m.id = $1",
             {id},
             {"member_number", "kind", "status", "market", "cooperative", "home_store", "share_paid_minor",
              "share_paid_at", "new_login_at", "is_demo", "joined_at", "ended_at", "end_reason"},
             {"share_paid_at", "new_login_at", "joined_at", "ended_at"})[0];
    auto household = c.QueryOne(
        "SELECT hm.household_id, hm.role, h.owner_member_id FROM household_members hm JOIN households h ON "
        "h.id = hm.household_id WHERE hm.member_id = $1",
        {id});
    std::optional<int64_t> owned_household;
    if (household) {
        const int64_t h = household->Int(0);
        if (household->Int(2) == member_id) owned_household = h;
        json hh = {{"id", h}, {"role", household->Text(1)}};
        // The household's members by number and role only: their own data is theirs to export.
        hh["members"] =
            Rows(c,
                 "SELECT m.member_number, hm.role, hm.joined_at FROM household_members hm JOIN "
                 "members m ON m.id = hm.member_id WHERE hm.household_id = $1 ORDER BY hm.joined_at",
                 {Int(h)}, {"member_number", "role", "joined_at"}, {"joined_at"});
        out["household"] = hh;
    } else {
        out["household"] = nullptr;
    }
    out["household_events"] =
        Rows(c, "SELECT household_id, kind, actor, at FROM household_events WHERE member_id = $1 ORDER BY id",
             {id}, {"household_id", "kind", "actor", "at"}, {"at"});
    out["cards"] = Rows(c,
                        "SELECT card_number, status, issued_at, status_changed_at, status_reason FROM cards "
                        "WHERE member_id = $1 ORDER BY id",
                        {id}, {"card_number", "status", "issued_at", "status_changed_at", "status_reason"},
                        {"issued_at", "status_changed_at"});
    out["member_events"] =
        Rows(c, "SELECT kind, detail, actor, at FROM member_events WHERE member_id = $1 ORDER BY id", {id},
             {"kind", "detail", "actor", "at"}, {"at"});
    out["terms_acceptances"] =
        Rows(c,
             "SELECT v.market, v.version, v.major, a.accepted_at, a.channel FROM "
             "terms_acceptances a JOIN terms_versions v ON v.id = a.terms_version_id "
             "WHERE a.member_id = $1 ORDER BY a.accepted_at",
             {id}, {"market", "version", "major", "accepted_at", "channel"}, {"accepted_at"});
    auto choices =
        Rows(c,
             "SELECT email, sms, post, app, ad_block, updated_at, updated_by FROM marketing_choices "
             "WHERE member_id = $1",
             {id}, {"by_email", "by_sms", "by_post", "by_app", "ad_block", "updated_at", "updated_by"},
             {"updated_at"});
    out["marketing_choices"] = choices.empty() ? json(nullptr) : choices[0];
    out["consents"] =
        Rows(c,
             "SELECT purpose, given, channel, text_version, actor, at FROM consent_events WHERE "
             "member_id = $1 ORDER BY id",
             {id}, {"purpose", "given", "channel", "text_version", "actor", "at"}, {"at"});
    out["accounts"] =
        Rows(c,
             "SELECT id, kind, login_email, display_name, role, language, password_changed_at, "
             "CASE WHEN totp_sealed IS NULL THEN 0 ELSE 1 END, status, created_at, updated_at FROM "
             "accounts WHERE member_id = $1 ORDER BY id",
             {id},
             {"id", "kind", "login_email", "display_name", "role", "language", "password_changed_at",
              "authenticator_app", "status", "created_at", "updated_at"},
             {"password_changed_at", "created_at", "updated_at"});
    out["sessions"] =
        Rows(c,
             "SELECT s.public_id, s.kind, s.method, s.device, s.created_at, s.last_used_at, "
             "s.expires_at, s.revoked_at, s.revoke_reason FROM sessions s JOIN accounts a ON a.id = "
             "s.account_id WHERE a.member_id = $1 ORDER BY s.id",
             {id},
             {"session", "kind", "method", "device", "created_at", "last_used_at", "expires_at", "revoked_at",
              "revoke_reason"},
             {"created_at", "last_used_at", "expires_at", "revoked_at"});
    out["login_codes"] =
        Rows(c,
             "SELECT ch.purpose, ch.channel, ch.created_at, ch.expires_at, ch.consumed_at FROM "
             "auth_challenges ch JOIN accounts a ON a.id = ch.account_id WHERE a.member_id = $1 "
             "ORDER BY ch.id",
             {id}, {"purpose", "channel", "created_at", "expires_at", "consumed_at"},
             {"created_at", "expires_at", "consumed_at"});
    out["contact_changes"] = Rows(c,
                                  "SELECT channel, created_at, expires_at, consumed_at FROM contact_changes "
                                  "WHERE member_id = $1 ORDER BY id",
                                  {id}, {"channel", "created_at", "expires_at", "consumed_at"},
                                  {"created_at", "expires_at", "consumed_at"});
    out["messages_sent"] =
        Rows(c,
             "SELECT o.channel, o.recipient, o.template, o.language, o.marketing, o.status, "
             "o.created_at, o.sent_at FROM outbox o WHERE o.member_id = $1 OR o.account_id IN "
             "(SELECT id FROM accounts WHERE member_id = $1) ORDER BY o.id",
             {id},
             {"channel", "recipient", "template", "language", "marketing", "status", "created_at", "sent_at"},
             {"created_at", "sent_at"});
    out["inbox"] = Rows(
        c, "SELECT subject, body, created_at, read_at FROM inbox_messages WHERE member_id = $1 ORDER BY id",
        {id}, {"subject", "body", "created_at", "read_at"}, {"created_at", "read_at"});
    out["relogin"] =
        Rows(c,
             "SELECT c.name, p.notified_at, p.reminders_sent, p.done_at, p.logged_out_at FROM "
             "relogin_participants p JOIN relogin_campaigns c ON c.id = p.campaign_id WHERE p.member_id "
             "= $1 ORDER BY p.campaign_id",
             {id}, {"campaign", "notified_at", "reminders_sent", "done_at", "logged_out_at"},
             {"notified_at", "done_at", "logged_out_at"});
    out["audit"] =
        Rows(c, "SELECT actor, action, detail, at FROM audit_log WHERE subject_member_id = $1 ORDER BY id",
             {id}, {"actor", "action", "detail", "at"}, {"at"});
    out["receipts"] = Rows(
        c,
        "SELECT s.code, r.receipt_key, r.till, r.occurred_at, r.currency, r.total_minor, "
        "r.eligible_minor, r.bonus_minor, r.savings_minor, r.points, r.dividend_minor, "
        "r.identified_by, r.lines, r.tenders FROM receipts r JOIN stores s ON s.id = r.store_id "
        "WHERE r.member_id = $1 ORDER BY r.id",
        {id},
        {"store", "receipt_id", "till", "occurred_at", "currency", "total_minor", "eligible_minor",
         "bonus_minor", "savings_minor", "points", "dividend_minor", "identified_by", "lines", "tenders"},
        {"occurred_at"});
    for (auto& r : out["receipts"]) {
        r["lines"] = json::parse(r["lines"].get<std::string>(), nullptr, false);
        r["tenders"] = json::parse(r["tenders"].get<std::string>(), nullptr, false);
    }
    out["redemptions"] =
        Rows(c,
             "SELECT sr.code, r.points, r.created_at, v.value_minor, v.currency, v.status, "
             "v.expires_at, v.used_at FROM redemptions r JOIN shop_rewards sr ON sr.id = "
             "r.reward_id LEFT JOIN vouchers v ON v.id = r.voucher_id WHERE r.member_id = $1 "
             "ORDER BY r.id",
             {id},
             {"reward", "points", "created_at", "voucher_value_minor", "voucher_currency", "voucher_status",
              "voucher_expires_at", "voucher_used_at"},
             {"created_at", "voucher_expires_at", "voucher_used_at"});
    out["partner_sales"] =
        Rows(c,
             "SELECT p.code, p.name, s.sale_key, s.sale_date, s.currency, s.amount_minor, "
             "s.bonus_minor, s.reward, s.reward_unit, s.release_on, s.via FROM partner_sales s "
             "JOIN partners p ON p.id = s.partner_id WHERE s.member_id = $1 ORDER BY s.id",
             {id},
             {"partner", "partner_name", "sale_id", "sale_date", "currency", "amount_minor", "bonus_minor",
              "credited", "unit", "pending_until", "reported_by"});
    out["partner_reversals"] =
        Rows(c,
             "SELECT s.sale_key, r.reversal_key, r.reversal_date, r.amount_minor, "
             "r.bonus_minor, r.reward FROM partner_sale_reversals r JOIN partner_sales s ON "
             "s.id = r.sale_id WHERE s.member_id = $1 ORDER BY r.id",
             {id}, {"sale_id", "reversal_id", "date", "amount_minor", "bonus_minor", "taken_back"});
    // Offers (R_OFF_1, R_OFF_2): those given to the member, activated, priced at a till and redeemed.
    out["offers_assigned"] = Rows(
        c,
        "SELECT o.code, o.title, a.source, a.assigned_at FROM offer_assignments a JOIN offers o ON o.id = "
        "a.offer_id WHERE a.member_id = $1 ORDER BY o.id",
        {id}, {"offer", "title", "source", "assigned_at"}, {"assigned_at"});
    out["offers_activated"] = Rows(
        c,
        "SELECT o.code, o.title, a.channel, a.activated_at FROM offer_activations a JOIN offers o ON o.id = "
        "a.offer_id WHERE a.member_id = $1 ORDER BY o.id",
        {id}, {"offer", "title", "channel", "activated_at"}, {"activated_at"});
    out["priced_baskets"] = Rows(c,
                                 "SELECT s.code, q.total_minor, q.discount_minor, q.created_at, q.expires_at "
                                 "FROM basket_quotes q JOIN "
                                 "stores s ON s.id = q.store_id WHERE q.member_id = $1 ORDER BY q.id",
                                 {id}, {"store", "total_minor", "discount_minor", "created_at", "expires_at"},
                                 {"created_at", "expires_at"});
    out["offer_redemptions"] = Rows(
        c,
        "SELECT o.code, s.code, r.receipt_key, x.units, x.discount_minor, x.bonus_minor, x.points, "
        "x.created_at "
        "FROM offer_redemptions x JOIN offers o ON o.id = x.offer_id JOIN stores s ON s.id = x.store_id JOIN "
        "receipts r ON r.id = x.receipt_id WHERE x.member_id = $1 ORDER BY x.id",
        {id},
        {"offer", "store", "receipt_id", "units", "discount_minor", "bonus_minor", "points", "created_at"},
        {"created_at"});
    // Self-scanning (R_SCAN_1..5): the right, and each session with its audit.
    auto right =
        Rows(c, "SELECT status, reason, changed_by, changed_at FROM self_scan_rights WHERE member_id = $1",
             {id}, {"status", "reason", "changed_by", "changed_at"}, {"changed_at"});
    out["self_scan_right"] = right.empty() ? json(nullptr) : right[0];
    out["self_scan_sessions"] = Rows(
        c,
        "SELECT s.code, x.device, x.status, x.items, x.started_at, x.finished_at, x.scanned_total_minor, "
        "x.audit_selected, x.audited_total_minor, x.discrepancy_minor FROM self_scan_sessions x JOIN stores "
        "s ON "
        "s.id = x.store_id WHERE x.member_id = $1 ORDER BY x.id",
        {id},
        {"store", "device", "status", "items", "started_at", "finished_at", "scanned_total_minor",
         "audit_selected", "audited_total_minor", "discrepancy_minor"},
        {"started_at", "finished_at"});
    // The proxy-ordering portal (R_OMB_10): where an organisation shops for the member, and those orders.
    out["portal_end_customers"] = Rows(
        c,
        "SELECT o.name, u.name, e.name, e.street, e.postal_code, e.city, e.note, e.payment_method, e.active, "
        "e.created_at FROM portal_end_customers e JOIN portal_organisations o ON o.id = e.organisation_id "
        "JOIN "
        "portal_units u ON u.id = e.unit_id WHERE e.member_id = $1 ORDER BY e.id",
        {id},
        {"organisation", "unit", "name", "street", "postal_code", "city", "note", "payment_method", "active",
         "created_at"},
        {"created_at"});
    out["portal_orders"] =
        Rows(c,
             "SELECT p.order_number, p.status, p.delivery_date, p.window_start_at, p.total_minor, "
             "p.delivered_total_minor, p.created_at, (SELECT COUNT(*) FROM portal_order_lines l WHERE "
             "l.order_id = "
             "p.id) FROM portal_orders p JOIN portal_end_customers e ON e.id = p.end_customer_id WHERE "
             "e.member_id = "
             "$1 ORDER BY p.id",
             {id},
             {"order_number", "status", "delivery_date", "window_start_at", "total_minor",
              "delivered_total_minor", "created_at", "line_count"},
             {"window_start_at", "created_at"});
    // Carts belong to portal orderers' logins, never to a member's; listed so that the export is complete.
    out["portal_saved_carts"] = Rows(
        c,
        "SELECT name, created_at, updated_at FROM portal_saved_carts WHERE account_id IN (SELECT id FROM "
        "accounts WHERE member_id = $1) ORDER BY id",
        {id}, {"name", "created_at", "updated_at"}, {"created_at", "updated_at"});
    out["portal_cart_items"] = Rows(
        c,
        "SELECT p.ean, p.name, i.quantity, i.added_at FROM portal_cart_items i JOIN products p ON p.id = "
        "i.product_id WHERE i.account_id IN (SELECT id FROM accounts WHERE member_id = $1) ORDER BY "
        "i.added_at",
        {id}, {"ean", "name", "quantity", "added_at"}, {"added_at"});
    // Coopay (R_PAY_1): methods by label, the activation, limits, codes asked for, payments and refunds.
    out["payment_methods"] = Rows(
        c,
        "SELECT label, status, created_at, removed_at FROM payment_methods WHERE member_id = $1 ORDER BY id",
        {id}, {"label", "status", "created_at", "removed_at"}, {"created_at", "removed_at"});
    auto activation = Rows(c,
                           "SELECT m.label, a.activated_at, a.login_method FROM coopay_activations a JOIN "
                           "payment_methods m ON m.id = a.method_id WHERE a.member_id = $1",
                           {id}, {"method", "activated_at", "login_method"}, {"activated_at"});
    out["coopay_activation"] = activation.empty() ? json(nullptr) : activation[0];
    out["family_payment_limits"] =
        Rows(c,
             "SELECT m.member_number, l.monthly_limit_minor, l.updated_at FROM family_payment_limits l JOIN "
             "members m ON m.id = l.member_id WHERE l.member_id = $1 OR l.owner_member_id = $1 ORDER BY m.id",
             {id}, {"family_member", "monthly_limit_minor", "updated_at"}, {"updated_at"});
    out["payment_codes"] =
        Rows(c, "SELECT created_at, expires_at, used_at FROM payment_codes WHERE member_id = $1 ORDER BY id",
             {id}, {"created_at", "expires_at", "used_at"}, {"created_at", "expires_at", "used_at"});
    out["payments"] =
        Rows(c,
             "SELECT s.code, p.receipt_key, p.currency, p.amount_minor, p.captured_minor, p.refunded_minor, "
             "p.status, "
             "CASE WHEN p.member_id = $1 THEN NULL ELSE (SELECT member_number FROM members WHERE id = "
             "p.member_id) END, "
             "p.created_at FROM payments p JOIN stores s ON s.id = p.store_id WHERE p.member_id = $1 OR "
             "p.owner_member_id = $1 ORDER BY p.id",
             {id},
             {"store", "receipt_id", "currency", "amount_minor", "captured_minor", "refunded_minor", "status",
              "paid_by", "created_at"},
             {"created_at"});
    out["payment_refunds"] = Rows(
        c,
        "SELECT p.receipt_key, r.receipt_key, r.amount_minor, r.status, r.created_at FROM payment_refunds r "
        "JOIN payments p ON p.id = r.payment_id WHERE p.member_id = $1 OR p.owner_member_id = $1 ORDER BY "
        "r.id",
        {id}, {"receipt_id", "return_receipt_id", "amount_minor", "status", "created_at"}, {"created_at"});
    // The ledger of the accounts the member owns: their savings, and the household's when they own it.
    json accounts = json::array();
    for (const auto& a : c.Query("SELECT id, kind, owner_kind, unit, balance FROM ledger_accounts WHERE "
                                 "(owner_kind = 'member' AND "
                                 "owner_id = $1) OR (owner_kind = 'household' AND owner_id = $2) ORDER BY id",
                                 {id, owned_household ? Int(*owned_household) : Int(-1)})) {
        json acc = {{"kind", a.Text(1)}, {"owner", a.Text(2)}, {"unit", a.Text(3)}, {"balance", a.Int(4)}};
        acc["entries"] = Rows(
            c,
            "SELECT e.source_kind, e.description, e.occurred_at, p.amount, p.lot_month FROM "
            "ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE p.account_id = $1 "
            "ORDER BY p.id",
            {Int(a.Int(0))}, {"kind", "description", "occurred_at", "amount", "lot_month"}, {"occurred_at"});
        acc["lots"] =
            Rows(c, "SELECT month, earned, remaining FROM points_lots WHERE account_id = $1 ORDER BY month",
                 {Int(a.Int(0))}, {"month", "earned", "remaining"});
        accounts.push_back(std::move(acc));
    }
    out["ledger_accounts"] = accounts;
    if (owned_household) {
        out["household_month_spend"] =
            Rows(c,
                 "SELECT month, eligible_minor, points FROM household_month_spend WHERE household_id = $1 "
                 "ORDER BY month",
                 {Int(*owned_household)}, {"month", "eligible_minor", "points"});
        out["inactivity_notices"] =
            Rows(c,
                 "SELECT reason, last_activity_at, notified_at, due_at, ended_at FROM "
                 "inactivity_notices WHERE household_id = $1",
                 {Int(*owned_household)}, {"reason", "last_activity_at", "notified_at", "due_at", "ended_at"},
                 {"last_activity_at", "notified_at", "due_at", "ended_at"});
        out["dividend_lines"] =
            Rows(c,
                 "SELECT year, supplement, receipts, base_minor, rate_bp, amount_minor FROM dividend_lines "
                 "WHERE household_id = $1 ORDER BY year, supplement, cooperative_id",
                 {Int(*owned_household)},
                 {"year", "supplement", "receipts", "base_minor", "rate_bp", "amount_minor"});
    } else {
        out["household_month_spend"] = json::array();
        out["inactivity_notices"] = json::array();
        out["dividend_lines"] = json::array();
    }
    return out;
}

}  // namespace andel::app
