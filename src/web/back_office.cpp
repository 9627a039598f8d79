// The back office (issue 8 §2): staff find a member and help them, in four languages, as plain HTML forms
// that work without script. Every action is a form with a required reason and calls the same service method
// as the API's route for it, so it is recorded the same way (the audit log, or the member's events). What a
// staff role sees and may do mirrors the roles the API admits (api/openapi.yaml, x-andel-roles): customer
// service (service_agent) finds and reads a member and gives login help; the rest is the back office's
// (an admin's session carries the backoffice role). Every recorded code (the member's events, the audit
// log) is shown as a sentence, with the code beside it for staff who search the logs.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "app/crypto.hpp"
#include "app/ledger/adjustment_service.hpp"
#include "app/lifecycle/membership_ending.hpp"
#include "app/privacy/consent.hpp"
#include "core/membership/numbers.hpp"
#include "http/urlencoded.hpp"
#include "store/access/account_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;
namespace auth = app::auth;

const Catalogue& Cat() { return Catalogue::Embedded(); }

// GET /api/v1/members, /members/{n} and /members/{n}/events: find and read a member.
const std::set<std::string> kFindAndRead = {app::kRoleBackOffice, auth::kRoleServiceAgent};
// /members/{n}/login-help/*, /members/{n}/marketing, consents: customer service helping a member.
const std::set<std::string> kLoginHelp = {auth::kRoleServiceAgent, auth::kRoleAdmin, app::kRoleBackOffice};
// Balances, ledger and receipts; contact data, home store, household and cards; moving cooperative, ending a
// membership.
const std::set<std::string> kBackOffice = {app::kRoleBackOffice};
// GET /api/v1/audit.
const std::set<std::string> kAudit = {auth::kRoleAdmin, app::kRoleBackOffice};

constexpr size_t kReasonMax = 200;
// The contact form's limits: the service's (MembershipService::ChangeContact), a phone as typed with spaces.
constexpr size_t kEmailMax = 254, kPhoneMax = 20, kStreetMax = 200, kPostalCodeMax = 16, kCityMax = 100;

bool PageSession(const Context& ctx) {
    return ctx.principal.account_id.has_value() && ctx.principal.by_cookie;
}
bool Staff(const Context& ctx) {
    return PageSession(ctx) && !ctx.principal.member_id.has_value() && ctx.principal.HasAny(kFindAndRead);
}

// Staff see the pages in their account's language unless they chose another.
std::string StaffLanguage(http::Services& s, const Context& ctx) {
    std::string preferred;
    if (ctx.principal.account_id) {
        auto c = s.db.Read();
        if (auto a = store::AccountRepository(*c).Find(*ctx.principal.account_id)) preferred = a->language;
    }
    return ChooseLanguage(ctx.request, preferred);
}

// Only staff get in: a forged form is refused (403), a visitor without a session goes to the login, a member
// or another kind of account is refused (403).
std::optional<Response> Gate(const Context& ctx, http::Services& s) {
    if (Staff(ctx)) return std::nullopt;
    std::string lang = ChooseLanguage(ctx.request);
    if (ctx.principal.csrf_refused) return ErrorPage(ctx, s, lang, 403, "error_csrf");
    if (!PageSession(ctx)) return SeeOther("/login");
    return ErrorPage(ctx, s, lang, 403, "bo_error_forbidden");
}

std::string Trim(const std::string& v) {
    size_t a = v.find_first_not_of(" \t\r\n"), b = v.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
}

std::string Lower(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v;
}

// What staff type, as the search (MembershipRepository::SearchMembers) matches it: a phone or card number
// without its spaces, an e-mail in lower case, a name as "last first" as well as "first last".
std::vector<std::string> SearchVariants(const std::string& q) {
    std::vector<std::string> out{q};
    auto add = [&out](const std::string& v) {
        if (v.size() >= 2 && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    };
    bool numberish = std::all_of(q.begin(), q.end(), [](unsigned char c) {
        return std::isdigit(c) || c == ' ' || c == '-' || c == '+';
    });
    if (numberish) {
        std::string compact;
        for (char c : q)
            if (c != ' ' && c != '-') compact += c;
        add(compact);
    } else if (q.find('@') != std::string::npos) {
        add(Lower(q));
    } else if (auto space = q.find(' ');
               space != std::string::npos && q.find(' ', space + 1) == std::string::npos) {
        add(q.substr(space + 1) + " " + q.substr(0, space));
    }
    return out;
}

std::string KeyOr(const std::string& key, const std::string& fallback, const std::string& lang) {
    return Cat().Has(key) ? Cat().Text(key, lang) : fallback;
}

std::string KindText(const std::string& kind, const std::string& lang) {
    return KeyOr("bo_kind_" + kind, kind, lang);
}
std::string StatusText(const std::string& status, const std::string& lang) {
    return KeyOr("bo_status_" + status, status, lang);
}

std::string MemberName(const store::MemberRecord& m) {
    return m.person.first_name + " " + m.person.last_name;
}

// A recorded code as staff read it: the catalogue's sentence (a test proves every code the code base writes
// has one), else the code itself.
std::string EventText(const std::string& kind, const std::string& lang) {
    return KeyOr("bo_event_kind_" + kind, kind, lang);
}
std::string AuditText(const std::string& action, const std::string& lang) {
    return KeyOr("bo_audit_action_" + action, action, lang);
}

// The outcome of an action form, to show on the member's page again.
struct Outcome {
    int status = 200;
    std::string action;    // the form the message is about
    std::string message;   // already in the page's language
    bool confirm = false;  // the message is about the ending's confirmation box
    std::string field;     // the message is about this input of the form, not the form as a whole
    Form entered;          // what was typed, shown again
};

// An action form (its reason field's id) and, when it was just refused as a whole, why.
json ActionForm(const Outcome& o, const std::string& id) {
    json f = {{"form_id", id}};
    if (o.action != id) return f;
    if (!o.confirm && o.field.empty() && !o.message.empty()) f["form_error"] = o.message;
    if (std::string reason = Field(o.entered, "reason"); !reason.empty()) f["reason_value"] = reason;
    return f;
}

// Whether the page's data holds the action form `id`: a refusal of a form the page does not show (posted from
// an older page, say) is said at the top instead.
bool Shows(const json& j, const std::string& id) {
    if (j.is_array()) return std::any_of(j.begin(), j.end(), [&id](const json& v) { return Shows(v, id); });
    if (!j.is_object()) return false;
    if (auto it = j.find("form_id"); it != j.end() && *it == id) return true;
    for (const auto& [key, v] : j.items())
        if (key != "t" && Shows(v, id)) return true;
    return false;
}

// A text input of an action form (the _bo_member_input partial): what was typed when the form was just
// refused, else `current`; the error next to it when the refusal was about it; described by its hint and
// error.
json Input(const Outcome& o, const std::string& form, const std::string& name, const std::string& label,
           const std::string& current, size_t max, const std::string& type = "text",
           const std::string& hint = {}) {
    const bool refused = o.action == form;
    std::string id = form + "-" + name;
    std::replace(id.begin(), id.end(), '_', '-');
    const bool error = refused && o.field == name;
    std::string described = hint.empty() ? "" : id + "-hint";
    if (error) described += (described.empty() ? "" : " ") + id + "-error";
    return {{"id", id},
            {"name", name},
            {"label", label},
            {"type", type},
            {"max", std::to_string(max)},
            {"value", refused ? Field(o.entered, name) : current},
            {"hint", hint.empty() ? json(nullptr) : json(hint)},
            {"field_error", error ? json(o.message) : json(nullptr)},
            {"describedby", described.empty() ? json(nullptr) : json(described)}};
}

// Adjusting the household's points or bonus by hand (app::RewardAdjustments): an amount in the household's
// unit and a reason; the hidden key makes a double submit one adjustment.
void AddAdjustForm(json& d, const Outcome& o, const app::MemberView& view, bool points,
                   const std::string& lang) {
    if (view.member.is_demo || !view.member.household_id) return;  // R_MEM_10; no household, nothing held
    json adjust = ActionForm(o, "adjust");
    adjust["fields"] = json::array(
        {Input(o, "adjust", "amount",
               Cat().Text(points ? "bo_adjust_amount_points" : "bo_adjust_amount_money", lang), "", 16,
               "text", Cat().Text(points ? "bo_adjust_hint_points" : "bo_adjust_hint_money", lang))});
    std::string key = o.action == "adjust" ? Field(o.entered, "idempotency_key") : std::string();
    adjust["key"] = key.empty() || key.size() > 64 ? app::RandomHex(16) : key;
    d["adjust"] = adjust;
}

// "25", "-10", "12,50", "1 234.5" as minor units (money) or whole points; nullopt when it is neither.
std::optional<int64_t> ParseAdjustment(std::string text, bool points) {
    std::string t;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ') continue;
        if (text.compare(i, 2, "\xc2\xa0") == 0) {  // a no-break space, as da/sv/nb write thousands
            ++i;
            continue;
        }
        t += text[i];
    }
    bool negative = !t.empty() && t[0] == '-';
    if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.erase(0, 1);
    size_t sep = t.find_first_of(",.");
    std::string whole = t.substr(0, sep), fraction = sep == std::string::npos ? "" : t.substr(sep + 1);
    if (whole.empty() || whole.size() > 9 || !core::AllDigits(whole)) return std::nullopt;
    if (sep != std::string::npos &&
        (points || fraction.empty() || fraction.size() > 2 || !core::AllDigits(fraction)))
        return std::nullopt;
    int64_t v = std::stoll(whole);
    if (!points)
        v = v * 100 + (fraction.empty() ? 0 : std::stoll(fraction) * (fraction.size() == 1 ? 10 : 1));
    return negative ? -v : v;
}

// Contact data and home store (R_MEM_6, R_MEM_7): what the member has, or what was just typed.
void AddContactForms(json& d, const Outcome& o, const app::MemberView& view,
                     store::MembershipRepository& members, const std::string& lang) {
    const auto& p = view.member.person;
    d["contact_section"] = true;
    if (!view.member.is_demo) {  // the demo member's contact data cannot change (R_MEM_10)
        json contact = ActionForm(o, "contact");
        contact["fields"] = json::array(
            {Input(o, "contact", "email", Cat().Text("bo_email", lang), p.email.value_or(""), kEmailMax,
                   "email"),
             Input(o, "contact", "phone", Cat().Text("bo_phone", lang), p.phone.value_or(""), kPhoneMax,
                   "tel", KeyOr("bo_contact_phone_hint_" + view.member.market, "", lang)),
             Input(o, "contact", "street", Cat().Text("details_street", lang), p.street, kStreetMax),
             Input(o, "contact", "postal_code", Cat().Text("details_postal_code", lang), p.postal_code,
                   kPostalCodeMax),
             Input(o, "contact", "city", Cat().Text("details_city", lang), p.city, kCityMax)});
        d["contact"] = contact;
    }
    json form = ActionForm(o, "home-store");
    const std::string chosen = o.action == "home-store" ? Field(o.entered, "home_store")
                               : view.home_store        ? view.home_store->code
                                                        : std::string();
    json stores = json::array();
    for (const auto& st : members.ListStores(std::nullopt)) {
        auto coop = members.FindCooperative(st.cooperative_id);
        if (!coop || coop->market != view.member.market) continue;
        stores.push_back({{"code", st.code},
                          {"label", st.name + ", " + st.city + " (" + coop->name + ")"},
                          {"selected", st.code == chosen}});
    }
    form["stores"] = stores;
    if (o.action == "home-store" && o.field == "home_store") form["store_error"] = o.message;
    d["home_store_form"] = form;
}

// The household (R_HH_1..7): its people; for the back office, on an owner's page a removal per participant
// and adding one by member number, on a participant's page leaving.
void AddHousehold(json& d, const Outcome& o, const app::MemberView& view, bool manage, http::Services& s,
                  const std::string& lang) {
    const auto& m = view.member;
    const bool owner = manage && m.household_role == std::optional<std::string>("owner");
    json household = json::array();
    int participants = 0;
    if (view.household)
        for (const auto& h : view.household->members) {
            json row = {{"name", h.first_name + " " + h.last_name},
                        {"role", KeyOr("bo_household_" + h.role, h.role, lang)}};
            if (h.member_number) row["href"] = "/back-office/members/" + *h.member_number;
            if (h.role == "participant") ++participants;
            if (owner && h.role == "participant" && h.member_number) {
                row["participant"] = *h.member_number;
                row["remove"] = ActionForm(o, "remove-" + *h.member_number);
            }
            household.push_back(row);
        }
    d["household"] = household;
    if (!manage) return;
    auto rules = s.markets.find(m.market);
    if (owner && rules != s.markets.end()) {
        d["household_limit"] = Cat().Format(
            "bo_household_limit", lang, {{"count", participants}, {"max", rules->second.max_participants}});
        json add = ActionForm(o, "add-participant");
        add["fields"] = json::array(
            {Input(o, "add-participant", "participant_number", Cat().Text("bo_household_add_number", lang),
                   "", 8, "text", Cat().Text("bo_household_add_hint", lang))});
        d["household_add"] = add;
    }
    if (m.household_role == std::optional<std::string>("participant"))
        d["household_leave"] = ActionForm(o, "leave");
}

// Cards (R_CARD_1, R_MEM_7): each with its state; for the back office, block or replace a card in use, and
// order a new one when none is on its way.
void AddCards(json& d, const Outcome& o, const app::MemberView& view, bool manage, const std::string& tz,
              const std::string& lang) {
    const bool active = view.member.status == "active";
    bool ordered = false;
    json cards = json::array();
    for (const auto& k : view.cards) {
        json row = {{"card_number", k.card_number},
                    {"status", KeyOr("bo_card_" + k.status, k.status, lang)},
                    {"issued", FormatDate(k.issued_at, tz, lang)}};
        if (!k.status_reason.empty()) row["reason"] = k.status_reason;
        if (manage && (k.status == "active" || k.status == "ordered"))
            row["block"] = ActionForm(o, "block-" + k.card_number);
        if (manage && active && (k.status == "active" || k.status == "blocked"))
            row["replace"] = ActionForm(o, "replace-" + k.card_number);
        ordered = ordered || k.status == "ordered";
        cards.push_back(row);
    }
    d["cards"] = cards;
    if (manage && active && !ordered) d["order_card"] = ActionForm(o, "order-card");
}

// A recorded detail; none when it is empty.
json Detail(const std::string& detail) {
    return detail.empty() || detail == "{}" ? json(nullptr) : json(detail);
}

// The member's events and the audit trail about them, newest first: a sentence per code, the code beside it.
json EventRows(store::MembershipRepository& members, int64_t member_id, const std::string& tz,
               const std::string& lang) {
    json events = json::array();
    for (const auto& e : members.ListEvents(member_id, 20))
        events.push_back({{"at", FormatDateTime(e.at, tz, lang)},
                          {"what", EventText(e.kind, lang)},
                          {"code", e.kind},
                          {"actor", e.actor},
                          {"detail", Detail(e.detail)}});
    return events;
}
json AuditRows(store::AccountRepository& accounts, int64_t member_id, const std::string& tz,
               const std::string& lang) {
    auto entries = accounts.ListAudit(member_id, 0, 500);
    json audit = json::array();
    for (auto it = entries.rbegin(); it != entries.rend() && audit.size() < 20; ++it)
        audit.push_back({{"at", FormatDateTime(it->at, tz, lang)},
                         {"what", AuditText(it->action, lang)},
                         {"code", it->action},
                         {"actor", it->actor},
                         {"detail", Detail(it->detail)}});
    return audit;
}

// The member's page: what the services expose, each part shown only to the roles the API shows it to.
Response MemberPage(const Context& ctx, http::Services& s, const std::string& lang, const std::string& number,
                    const Outcome& outcome = {}) {
    auto view = s.membership.Get(number);
    if (!view) return ErrorPage(ctx, s, lang, 404, "bo_error_not_found");
    const store::MemberRecord& m = view->member;
    auto market = s.markets.find(m.market);
    const std::string tz = market == s.markets.end() ? "UTC" : market->second.time_zone;
    const std::string currency = market == s.markets.end() ? "EUR" : market->second.currency;
    const bool may_help = ctx.principal.HasAny(kLoginHelp);
    const bool may_manage = ctx.principal.HasAny(kBackOffice);
    const bool active = m.status == "active";

    json d = BaseData(ctx, s, lang, "bo_member_title");
    d["title"] = MemberName(m) + " – " + Cat().Text("bo_member_title", lang);
    d["member"] = number;
    d["name"] = MemberName(m);
    d["number"] = number;
    d["kind"] = KindText(m.kind, lang);
    d["status"] = StatusText(m.status, lang);
    d["market"] = m.market;
    d["cooperative"] = view->cooperative ? view->cooperative->name : "–";
    d["cooperative_member"] = view->cooperative_member;
    d["home_store"] = view->home_store ? view->home_store->name + ", " + view->home_store->city : "–";
    d["joined"] = FormatDate(m.joined_at, tz, lang);
    if (m.ended_at) d["ended"] = FormatDate(*m.ended_at, tz, lang);
    d["email"] = m.person.email.value_or("–");
    d["phone"] = m.person.phone.value_or("–");
    d["address"] = m.person.street + ", " + m.person.postal_code + " " + m.person.city;
    d["share"] = FormatMoney(m.share_paid_minor, currency, lang);
    d["terms"] = view->accepted_terms
                     ? Cat().Format("bo_terms_accepted", lang,
                                    {{"version", view->accepted_terms->first},
                                     {"date", FormatDate(view->accepted_terms->second, tz, lang)}})
                     : Cat().Text("bo_terms_none", lang);
    if (auto done = ctx.request.Query("done"); done && outcome.message.empty()) {
        std::string key = "bo_done_" + *done;
        std::replace(key.begin(), key.end(), '-', '_');
        if (Cat().Has(key)) d["notice"] = Cat().Text(key, lang);
    }
    auto c = s.db.Read();
    store::AccountRepository accounts(*c);
    store::MembershipRepository members(*c);

    if (may_help) {
        d["may_help"] = true;
        auto account = accounts.FindByMember(m.id);
        int64_t now = core::ToMillis(s.clock.Now());
        if (!account || !account->password_hash)
            d["login_state"] = Cat().Text("bo_login_none", lang);
        else if (account->locked_until && *account->locked_until > now)
            d["login_state"] = Cat().Format("bo_login_locked", lang,
                                            {{"until", FormatDateTime(*account->locked_until, tz, lang)}});
        else
            d["login_state"] = Cat().Format("bo_login_ok", lang, {{"count", account->failed_logins}});
        json sessions = json::array();
        if (account)
            for (const auto& v : s.auth.Sessions(account->id, ""))
                sessions.push_back(
                    {{"device", v.device.empty() ? Cat().Text("sessions_unknown_device", lang) : v.device},
                     {"kind", Cat().Text(v.kind == "web" ? "sessions_kind_web" : "sessions_kind_app", lang)},
                     {"created", FormatDateTime(v.created_at, tz, lang)},
                     {"last_used", FormatDateTime(v.last_used_at, tz, lang)}});
        d["has_sessions"] = !sessions.empty();
        d["sessions"] = sessions;
        if (active && !m.is_demo) d["reset"] = ActionForm(outcome, "reset");
        if (active) d["unlock"] = ActionForm(outcome, "unlock");

        app::ConsentService consents(s.db, s.clock);
        json consent_list = json::array();
        if (auto all = consents.Get(m.id))
            for (const auto& x : *all)
                consent_list.push_back(
                    {{"purpose", KeyOr("bo_consent_" + x.purpose, x.purpose, lang)},
                     {"answer", x.given && x.at ? Cat().Format("bo_consent_given", lang,
                                                               {{"date", FormatDate(*x.at, tz, lang)}})
                                                : Cat().Text("bo_consent_not_given", lang)}});
        d["consents"] = consent_list;
        json marketing = json::array();
        if (s.marketing)
            if (auto choices = s.marketing->Get(m.id)) {
                auto yes = [&lang](bool v) { return Cat().Text(v ? "bo_yes" : "bo_no", lang); };
                marketing = json::array(
                    {{{"channel", Cat().Text("bo_marketing_email", lang)}, {"answer", yes(choices->email)}},
                     {{"channel", Cat().Text("bo_marketing_sms", lang)}, {"answer", yes(choices->sms)}},
                     {{"channel", Cat().Text("bo_marketing_post", lang)}, {"answer", yes(choices->post)}},
                     {{"channel", Cat().Text("bo_marketing_app", lang)}, {"answer", yes(choices->app)}},
                     {{"channel", Cat().Text("bo_marketing_ad_block", lang)},
                      {"answer", yes(choices->ad_block)}}});
            }
        d["marketing"] = marketing;
    }

    // The back office's action sections, each built by its own function and shown by its own partial
    // (_bo_*.mustache): one more is one more call here and one more line in bo_member.mustache.
    if (may_manage && active) AddContactForms(d, outcome, *view, members, lang);
    AddHousehold(d, outcome, *view, may_manage, s, lang);
    AddCards(d, outcome, *view, may_manage, tz, lang);

    if (may_manage) {
        d["may_manage"] = true;
        if (active && market != s.markets.end())
            AddAdjustForm(d, outcome, *view, market->second.reward == core::RewardKind::kPoints, lang);
        if (auto summary = s.rewards.Summary(number)) {
            d["balance"] = Amount(summary->balance, summary->unit, lang);
            if (summary->pending > 0) d["pending"] = Amount(summary->pending, summary->unit, lang);
            if (summary->dividend_accrued_minor > 0)
                d["dividend"] = FormatMoney(summary->dividend_accrued_minor, currency, lang);
        }
        json ledger = json::array();
        if (auto page = s.rewards.History(number, 10, 0)) ledger = HistoryRows(*page, tz, lang);
        d["has_ledger"] = !ledger.empty();
        d["ledger"] = ledger;
        json receipts = json::array();
        if (auto page = s.rewards.Receipts(number, 5, 0))
            for (const auto& r : page->items) {
                std::string earned = r.points != 0
                                         ? Amount(r.points, "points", lang)
                                         : FormatMoney(r.bonus_minor + r.savings_minor, r.currency, lang);
                receipts.push_back({{"date", FormatDateTime(r.occurred_at, tz, lang)},
                                    {"total", FormatMoney(r.total_minor, r.currency, lang)},
                                    {"earned", earned},
                                    {"is_return", r.original_receipt_id.has_value()}});
            }
        d["has_receipts"] = !receipts.empty();
        d["receipts"] = receipts;

        if (active && view->cooperative) {
            json stores = json::array();
            for (const auto& st : members.ListStores(std::nullopt)) {
                auto coop = members.FindCooperative(st.cooperative_id);
                if (!coop || coop->market != m.market || coop->id == view->cooperative->id) continue;
                stores.push_back(
                    {{"code", st.code}, {"label", st.name + ", " + st.city + " (" + coop->name + ")"}});
            }
            if (!stores.empty()) {
                json move = ActionForm(outcome, "move");
                move["stores"] = stores;
                d["move"] = move;
            }
        }
        if (active) {
            json end = ActionForm(outcome, "end");
            if (outcome.action == "end" && outcome.confirm) end["confirm_error"] = outcome.message;
            app::MembershipEnding ending(s.db, s.clock, s.markets);
            json forfeited = json::array();
            if (auto preview = ending.Preview(number))
                for (const auto& f : preview->forfeited)
                    if (f.amount != 0) forfeited.push_back(Amount(f.amount, f.unit, lang));
            end["has_forfeited"] = !forfeited.empty();
            end["forfeited"] = forfeited;
            d["end"] = end;
        }
    }

    d["events"] = EventRows(members, m.id, tz, lang);
    if (ctx.principal.HasAny(kAudit)) {
        d["may_audit"] = true;
        d["audit"] = AuditRows(accounts, m.id, tz, lang);
    }
    if (!outcome.message.empty() && !Shows(d, outcome.action)) d["error"] = outcome.message;
    return Html(ctx, outcome.status, RenderPage("bo_member", d));
}

// The sentence next to the input a refusal is about (bo_field_<field>_<kind of error>), or none.
std::string FieldError(const core::Error& e, const std::string& lang) {
    std::string kind(core::Describe(e.code).slug);
    std::replace(kind.begin(), kind.end(), '-', '_');
    return KeyOr("bo_field_" + e.field + "_" + kind, "", lang);
}

// Why a service refused an action, as the page says it: next to the input at fault when the form has it
// (`fields`), a refusing rule in its own sentence (rule_R_HH_3) with its ID.
Outcome Refused(const core::Error& e, const std::string& action, const std::string& lang,
                const std::set<std::string>& fields, const Form& entered) {
    Outcome o;
    o.action = action;
    o.entered = entered;
    if (std::string text = FieldError(e, lang); fields.contains(e.field) && !text.empty()) {
        o.status = e.code == core::ErrorCode::kConflict ? 409 : 422;
        o.field = e.field;
        o.message = text;
        return o;
    }
    switch (e.code) {
        case core::ErrorCode::kNotFound:
            o.status = 404;
            o.message = Cat().Text("bo_error_not_found", lang);
            break;
        case core::ErrorCode::kConflict:
            o.status = 409;
            o.message = Cat().Text("bo_error_conflict", lang);
            break;
        case core::ErrorCode::kRuleRefused:
            o.status = 422;
            o.message =
                Cat().Has("rule_" + e.rule)
                    ? Cat().Format("bo_error_rule_sentence", lang,
                                   {{"sentence", Cat().Text("rule_" + e.rule, lang)}, {"rule", e.rule}})
                    : Cat().Format("bo_error_rule", lang, {{"rule", e.rule}});
            break;
        case core::ErrorCode::kMalformed:
        case core::ErrorCode::kInvalid:
            o.status = 422;
            o.message = Cat().Text("error_form", lang);
            break;
        default:
            o.status = 422;
            o.message = Cat().Text("bo_error_refused", lang);
    }
    return o;
}

// What an action does once the gate, the role and the reason are checked: the service's refusal, or where
// the page goes on ("done=" names the confirmation).
struct Done {
    std::optional<core::Error> error;
    std::string done;
};
using ActionRun = std::function<Done(Context&, const Form&, const std::string& reason)>;

// A form post of an action on a member: staff only, the role the API's route admits, a reason of 1 to 200
// characters; refused, the member's page again with what was typed and the message next to the form, or next
// to the input at fault among `fields`.
http::RouteHandler Action(http::Services& s, std::set<std::string> roles, std::string action, ActionRun run,
                          std::set<std::string> fields = {}) {
    return [&s, roles = std::move(roles), action = std::move(action), run = std::move(run),
            fields = std::move(fields)](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = StaffLanguage(s, ctx);
        if (!ctx.principal.HasAny(roles)) return ErrorPage(ctx, s, lang, 403, "bo_error_forbidden");
        const std::string& number = ctx.Param("member_number");
        if (!core::IsValidMemberNumber(number)) return ErrorPage(ctx, s, lang, 404, "bo_error_not_found");
        auto form = ParseForm(ctx.request);
        if (!form) return ErrorPage(ctx, s, lang, 400, "error_form");
        std::string id = action;
        if (ctx.params.contains("card_number")) id += "-" + ctx.Param("card_number");
        if (ctx.params.contains("participant")) id += "-" + ctx.Param("participant");
        std::string reason = Trim(Field(*form, "reason"));
        if (reason.empty())
            return MemberPage(ctx, s, lang, number,
                              {400, id, Cat().Text("bo_error_reason_missing", lang), false, {}, *form});
        if (reason.size() > kReasonMax)
            return MemberPage(ctx, s, lang, number,
                              {400, id, Cat().Text("bo_error_reason_long", lang), false, {}, *form});
        Done done = run(ctx, *form, reason);
        if (done.error)
            return MemberPage(ctx, s, lang, number, Refused(*done.error, id, lang, fields, *form));
        return SeeOther("/back-office/members/" + number + "?done=" + done.done);
    };
}

Done From(const core::Result<void>& r, const std::string& done) {
    if (!r) return {r.error(), {}};
    return {std::nullopt, done};
}
template <typename T>
Done From(const core::Result<T>& r, const std::string& done) {
    if (!r) return {r.error(), {}};
    return {std::nullopt, done};
}

// A card number in the path is the member's own, or the action is refused as if there were no such card.
std::optional<core::Error> NotTheirCard(http::Services& s, const Context& ctx) {
    auto view = s.membership.Get(ctx.Param("member_number"));
    if (!view) return view.error();
    const auto& cards = view->cards;
    if (std::none_of(cards.begin(), cards.end(), [&ctx](const store::CardRecord& k) {
            return k.card_number == ctx.Param("card_number");
        }))
        return core::Error::NotFound("not this member's card");
    return std::nullopt;
}

// The contact form as the service takes it: an empty e-mail or phone removes it; the e-mail in lower case and
// the phone without spaces or dashes, as the login and the search match them.
core::Result<app::ContactInput> ContactFrom(const Form& form) {
    for (auto [field, max] : {std::pair<const char*, size_t>{"email", kEmailMax},
                              {"phone", kPhoneMax},
                              {"street", kStreetMax},
                              {"postal_code", kPostalCodeMax},
                              {"city", kCityMax}})
        if (Trim(Field(form, field)).size() > max)
            return core::Error::Malformed(std::string(field) + " is too long", field);
    app::ContactInput c;
    std::string email = Lower(Trim(Field(form, "email"))), phone;
    for (char ch : Trim(Field(form, "phone")))
        if (ch != ' ' && ch != '-') phone += ch;
    if (!email.empty()) c.email = email;
    if (!phone.empty()) c.phone = phone;
    c.street = Trim(Field(form, "street"));
    c.postal_code = Trim(Field(form, "postal_code"));
    c.city = Trim(Field(form, "city"));
    return c;
}

}  // namespace

void AddBackOfficePages(http::Router& router, http::Services& s) {
    // Search (GET /api/v1/members): member number, card number, phone, e-mail or name; 20 a page.
    router.Add("GET", "/back-office", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = StaffLanguage(s, ctx);
        json d = BaseData(ctx, s, lang, "bo_title", "bo_search");
        {
            auto c = s.db.Read();
            if (auto a = store::AccountRepository(*c).Find(*ctx.principal.account_id))
                d["staff_line"] = Cat().Format(
                    "bo_staff_line", lang,
                    {{"name", a->display_name}, {"role", KeyOr("bo_role_" + a->role, a->role, lang)}});
        }
        std::string q = Trim(ctx.request.Query("q").value_or(""));
        int64_t after = 0;
        if (auto a = ctx.request.Query("after")) {
            if (a->empty() || a->size() > 18 || !core::AllDigits(*a))
                return ErrorPage(ctx, s, lang, 400, "error_form");
            after = std::stoll(*a);
        }
        d["q"] = q.substr(0, 100);
        if (ctx.request.Query("q")) {
            if (q.size() < 2 || q.size() > 100) {
                d["error"] = Cat().Text("bo_search_error_short", lang);
                return Html(ctx, 400, RenderPage("bo_search", d));
            }
            std::vector<store::MemberRecord> found;
            std::string used = q;
            for (const auto& variant : SearchVariants(q)) {
                auto r = s.membership.Search(variant, 20, after);
                if (r && !r->empty()) {
                    found = std::move(*r);
                    used = variant;
                    break;
                }
            }
            json items = json::array();
            for (const auto& m : found) {
                json row = {{"name", MemberName(m)},
                            {"kind", KindText(m.kind, lang)},
                            {"market", m.market},
                            {"status", StatusText(m.status, lang)}};
                if (m.member_number) {
                    row["number"] = *m.member_number;
                    row["href"] = "/back-office/members/" + *m.member_number;
                }
                items.push_back(row);
            }
            d["searched"] = true;
            d["empty"] = items.empty();
            d["items"] = items;
            d["count_text"] = Cat().Format("bo_search_count", lang, {{"count", items.size()}});
            if (found.size() == 20)
                d["next"] = "/back-office?q=" + http::PercentEncode(used) +
                            "&after=" + std::to_string(found.back().id);
        }
        return Html(ctx, 200, RenderPage("bo_search", d));
    });

    // The member (GET /api/v1/members/{n} and what the API shows each role of it).
    router.Add("GET", "/back-office/members/{member_number}", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = StaffLanguage(s, ctx);
        if (!core::IsValidMemberNumber(ctx.Param("member_number")))
            return ErrorPage(ctx, s, lang, 404, "bo_error_not_found");
        return MemberPage(ctx, s, lang, ctx.Param("member_number"));
    });

    // Login help (R_AUTH_3, POST /api/v1/members/{n}/login-help/reset and /unlock): audited with the reason.
    router.Add("POST", "/back-office/members/{member_number}/login-help/reset", {},
               Action(s, kLoginHelp, "reset", [&s](Context& ctx, const Form&, const std::string& reason) {
                   auto r = s.auth.StaffSendReset(ctx.principal.Actor(), ctx.Param("member_number"), reason);
                   return From(r, r ? "reset-" + r->channel : "");
               }));
    router.Add("POST", "/back-office/members/{member_number}/login-help/unlock", {},
               Action(s, kLoginHelp, "unlock", [&s](Context& ctx, const Form&, const std::string& reason) {
                   return From(s.auth.StaffUnlock(ctx.principal.Actor(), ctx.Param("member_number"), reason),
                               "unlock");
               }));

    // Block a card (R_CARD_*, POST /api/v1/cards/{card}/block): the reason is the card's status reason.
    router.Add("POST", "/back-office/members/{member_number}/cards/{card_number}/block", {},
               Action(s, kBackOffice, "block", [&s](Context& ctx, const Form&, const std::string& reason) {
                   if (auto e = NotTheirCard(s, ctx)) return Done{*e, {}};
                   return From(
                       s.membership.BlockCard(ctx.Param("card_number"), reason, ctx.principal.Actor()),
                       "block");
               }));
    // Replace a card (R_CARD_1, POST /api/v1/cards/{card}/replace): the old one stops, a new one is issued.
    router.Add("POST", "/back-office/members/{member_number}/cards/{card_number}/replace", {},
               Action(s, kBackOffice, "replace", [&s](Context& ctx, const Form&, const std::string& reason) {
                   if (auto e = NotTheirCard(s, ctx)) return Done{*e, {}};
                   return From(
                       s.membership.ReplaceCard(ctx.Param("card_number"), reason, ctx.principal.Actor()),
                       "card-replaced");
               }));
    // Order a new card (R_CARD_1, R_MEM_7, POST /api/v1/members/{n}/cards): sent to the registered address.
    router.Add(
        "POST", "/back-office/members/{member_number}/cards", {},
        Action(s, kBackOffice, "order-card", [&s](Context& ctx, const Form&, const std::string& reason) {
            return From(s.membership.OrderCard(ctx.Param("member_number"), ctx.principal.Actor(), reason),
                        "card-ordered");
        }));

    // Contact data (R_MEM_7, PUT /api/v1/members/{n}/contact) and home store (R_MEM_6, PUT .../home-store):
    // what the service refuses is said next to the input.
    router.Add("POST", "/back-office/members/{member_number}/contact", {},
               Action(s, kBackOffice, "contact",
                      [&s](Context& ctx, const Form& form, const std::string& reason) {
                          auto contact = ContactFrom(form);
                          if (!contact) return Done{contact.error(), {}};
                          return From(s.membership.ChangeContact(ctx.Param("member_number"), *contact,
                                                                 ctx.principal.Actor(), reason),
                                      "contact");
                      },
                      {"email", "phone", "street", "postal_code", "city"}));
    router.Add("POST", "/back-office/members/{member_number}/home-store", {},
               Action(s, kBackOffice, "home-store",
                      [&s](Context& ctx, const Form& form, const std::string& reason) {
                          std::string store = Field(form, "home_store");
                          if (store.empty() || store.size() > 32)
                              return Done{core::Error::Invalid("choose the home store", "home_store"), {}};
                          return From(s.membership.ChangeHomeStore(ctx.Param("member_number"), store,
                                                                   ctx.principal.Actor(), reason),
                                      "home-store");
                      },
                      {"home_store"}));

    // The household (R_HH_5, POST and DELETE /api/v1/members/{n}/household/participants[/{participant}]):
    // the owner's page adds a member by number and removes a participant; the rules' refusals (R_HH_2,
    // R_HH_3, R_HH_4 ...) are said in their own words.
    router.Add("POST", "/back-office/members/{member_number}/household/participants", {},
               Action(s, kBackOffice, "add-participant",
                      [&s](Context& ctx, const Form& form, const std::string& reason) {
                          std::string number;
                          for (char ch : Trim(Field(form, "participant_number")))
                              if (ch != ' ') number += ch;
                          if (!core::IsValidMemberNumber(number))
                              return Done{
                                  core::Error::Malformed("a member number has 8 digits with a valid check "
                                                         "digit",
                                                         "participant_number"),
                                  {}};
                          app::ParticipantInput in;
                          in.member_number = number;
                          auto r = s.membership.AddParticipant(ctx.Param("member_number"), in,
                                                               ctx.principal.Actor(), reason);
                          if (r) return Done{std::nullopt, "participant-added"};
                          // The owner is the page's member; what is not found, or in another market, is the
                          // number typed.
                          core::Error e = r.error();
                          if (e.code == core::ErrorCode::kNotFound || e.field == "member_number")
                              e.field = "participant_number";
                          return Done{e, {}};
                      },
                      {"participant_number"}));
    router.Add(
        "POST", "/back-office/members/{member_number}/household/participants/{participant}/removal", {},
        Action(s, kBackOffice, "remove", [&s](Context& ctx, const Form&, const std::string& reason) {
            if (!core::IsValidMemberNumber(ctx.Param("participant")))
                return Done{core::Error::NotFound("no such participant"), {}};
            return From(s.membership.RemoveParticipant(ctx.Param("member_number"), ctx.Param("participant"),
                                                       ctx.principal.Actor(), reason),
                        "participant-removed");
        }));
    // R_HH_5, R_HH_7 (POST /api/v1/members/{n}/household/leave): a participant leaves, keeping no right to
    // the household's points.
    router.Add("POST", "/back-office/members/{member_number}/household/leave", {},
               Action(s, kBackOffice, "leave", [&s](Context& ctx, const Form&, const std::string& reason) {
                   return From(
                       s.membership.LeaveHousehold(ctx.Param("member_number"), ctx.principal.Actor(), reason),
                       "left");
               }));

    // Adjust points or bonus (POST /api/v1/members/{n}/adjustments): the amount in the household's unit, the
    // reason on the entry and in the audit trail.
    router.Add(
        "POST", "/back-office/members/{member_number}/adjustments", {},
        Action(s, kBackOffice, "adjust",
               [&s](Context& ctx, const Form& form, const std::string& reason) {
                   auto view = s.membership.Get(ctx.Param("member_number"));
                   if (!view) return Done{view.error(), {}};
                   auto market = s.markets.find(view->member.market);
                   bool points =
                       market != s.markets.end() && market->second.reward == core::RewardKind::kPoints;
                   auto amount = ParseAdjustment(Field(form, "amount").substr(0, 32), points);
                   if (!amount) return Done{core::Error::Invalid("not an amount", "amount"), {}};
                   app::AdjustmentInput in{ctx.Param("member_number"), *amount, reason,
                                           Field(form, "idempotency_key")};
                   auto r =
                       app::RewardAdjustments(s.db, s.clock, s.markets).Adjust(in, ctx.principal.Actor());
                   if (!r && r.error().field == "idempotency_key")
                       return Done{core::Error::Malformed("the form is stale; load the page again"), {}};
                   return From(r, "adjust");
               },
               {"amount"}));

    // Move cooperative (R_MEM_8, POST /api/v1/members/{n}/cooperative-move).
    router.Add(
        "POST", "/back-office/members/{member_number}/cooperative-move", {},
        Action(s, kBackOffice, "move", [&s](Context& ctx, const Form& form, const std::string& reason) {
            std::string store = Field(form, "home_store");
            if (store.empty() || store.size() > 32)
                return Done{core::Error::Invalid("choose the new home store", "home_store"), {}};
            return From(s.membership.MoveCooperative(ctx.Param("member_number"), store, ctx.principal.Actor(),
                                                     reason),
                        "move");
        }));

    // End the membership (R_LIFE_2, POST /api/v1/members/{n}/ending): by the operator, with a reason, once
    // the box saying what is forfeited is ticked.
    auto end = Action(s, kBackOffice, "end", [&s](Context& ctx, const Form& form, const std::string& reason) {
        app::MembershipEnding ending(s.db, s.clock, s.markets);
        return From(ending.End(ctx.Param("member_number"), true, reason,
                               Field(form, "leave_cooperative") == "yes", ctx.principal.Actor()),
                    "end");
    });
    router.Add("POST", "/back-office/members/{member_number}/ending", {}, [&s, end](Context& ctx) {
        // The confirmation box is checked after the gate, the role and the reason, and before anything
        // changes.
        if (Staff(ctx) && ctx.principal.HasAny(kBackOffice) &&
            core::IsValidMemberNumber(ctx.Param("member_number")))
            if (auto form = ParseForm(ctx.request); form && !Trim(Field(*form, "reason")).empty() &&
                                                    Trim(Field(*form, "reason")).size() <= kReasonMax &&
                                                    Field(*form, "confirm") != "yes") {
                std::string lang = StaffLanguage(s, ctx);
                return MemberPage(ctx, s, lang, ctx.Param("member_number"),
                                  {400, "end", Cat().Text("bo_error_confirm", lang), true, {}, *form});
            }
        return end(ctx);
    });

    // Log out of the back office: the session ends and its cookie is cleared.
    router.Add("POST", "/back-office/logout", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        (void)s.auth.EndSession(*ctx.principal.account_id, ctx.principal.session_public_id);
        Response r = SeeOther("/login");
        r.headers.emplace_back("Set-Cookie", http::SessionCookie("", 0));
        return r;
    });
}

}  // namespace andel::web
