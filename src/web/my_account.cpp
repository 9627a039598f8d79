// My pages, the member's own affairs (issue 8 §1): the household (R_HH_*), cards (R_CARD_1), marketing
// choices, the ad block and consents (R_PRIV_1, R_PRIV_2), the data download (R_PRIV_4), ending the
// membership with what is forfeited spelled out (R_LIFE_1, R_LIFE_2), and for a customer with a profile
// becoming a member from the savings (R_MEM_3). The same services as the API, so the rules hold alike.
#include <algorithm>

#include "app/lifecycle/membership_ending.hpp"
#include "app/membership/contact_change.hpp"
#include "app/membership/terms.hpp"
#include "app/privacy/consent.hpp"
#include "app/privacy/data_export.hpp"
#include "core/csv.hpp"
#include "http/urlencoded.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

const Catalogue& Cat() { return Catalogue::Embedded(); }

// The version of the consent texts this page shows (recorded with every answer, R_PRIV_2).
constexpr const char* kConsentTextVersion = "web-2026-12";

// A refused change as the page says it: the rule's own text where the catalogue has one (rule_R_HH_3),
// else by kind of error.
std::string ErrorText(const core::Error& e, const std::string& lang) {
    if (!e.rule.empty() && Cat().Has("rule_" + e.rule)) return Cat().Text("rule_" + e.rule, lang);
    switch (e.code) {
        case core::ErrorCode::kConflict:
            return Cat().Text("error_conflict", lang);
        case core::ErrorCode::kNotFound:
            return Cat().Text("error_not_found", lang);
        case core::ErrorCode::kUnavailable:
            return Cat().Text("error_unavailable", lang);
        case core::ErrorCode::kMalformed:
        case core::ErrorCode::kInvalid:
            return Cat().Text("error_invalid", lang);
        default:
            return Cat().Text("error_refused", lang);
    }
}

int StatusOf(const core::Error& e) { return core::Describe(e.code).status; }

std::string Masked(const std::string& card_number) {
    return "\u2022\u2022\u2022\u2022\u00a0" +
           card_number.substr(card_number.size() >= 4 ? card_number.size() - 4 : 0);
}

// ---- The household (R_HH_1..8) -------------------------------------------------------------------------

Response HouseholdPage(const Context& ctx, http::Services& s, const Me& me, int status, const Form* form,
                       const std::string& error) {
    json d = BaseData(ctx, s, me.lang, "household_title", "household");
    const auto& m = me.view.member;
    bool owner = m.household_role && *m.household_role == "owner";
    d["owner"] = owner;
    d["participant"] = m.household_role && *m.household_role == "participant";
    d["none"] = !m.household_role;
    json members = json::array();
    int participants = 0;
    if (me.view.household) {
        for (const auto& hm : me.view.household->members) {
            bool is_owner = hm.role == "owner";
            if (!is_owner) ++participants;
            members.push_back(
                {{"name", hm.first_name + " " + hm.last_name},
                 {"number", hm.member_number.value_or("")},
                 {"role",
                  Cat().Text(is_owner ? "household_role_owner" : "household_role_participant", me.lang)},
                 {"you", hm.member_id == m.id},
                 {"removable", owner && !is_owner && hm.member_number.has_value()}});
        }
    }
    d["members"] = members;
    d["limit"] = Cat().Format("household_limit", me.lang,
                              {{"count", participants}, {"max", me.rules->max_participants}});
    d["national_id_hint"] = Cat().Text("household_national_id_hint_" + me.rules->code, me.lang);
    if (form) {
        for (const char* f : {"national_id", "first_name", "last_name", "email", "phone"})
            d[f] = Field(*form, f);
    }
    if (!error.empty()) d["error"] = error;
    if (auto n = ctx.request.Query("done"); n && (*n == "added" || *n == "removed"))
        d["notice"] = Cat().Text("household_" + *n, me.lang);
    return Html(ctx, status, RenderPage("household", d));
}

// ---- Privacy: marketing choices, ad block, consents, the data download ---------------------------------

Response PrivacyPage(const Context& ctx, http::Services& s, const Me& me, int status,
                     const std::string& error) {
    json d = BaseData(ctx, s, me.lang, "privacy_title", "privacy");
    if (s.marketing) {
        auto c = s.marketing->Get(me.view.member.id);
        if (c) {
            json channels = json::array();
            for (auto [name, on] : {std::pair<const char*, bool>{"email", c->email},
                                    {"sms", c->sms},
                                    {"post", c->post},
                                    {"app", c->app}})
                channels.push_back({{"name", name},
                                    {"label", Cat().Text(std::string("privacy_channel_") + name, me.lang)},
                                    {"on", on}});
            d["channels"] = channels;
            d["ad_block"] = c->ad_block;
            d["marketing"] = true;
        }
    }
    app::ConsentService consents(s.db, s.clock);
    if (auto all = consents.Get(me.view.member.id)) {
        json list = json::array();
        for (const auto& c : *all)
            list.push_back({{"purpose", c.purpose},
                            {"label", Cat().Text("consent_" + c.purpose, me.lang)},
                            {"text", Cat().Text("consent_" + c.purpose + "_text", me.lang)},
                            {"given", c.given}});
        d["consents"] = list;
    }
    d["text_version"] = kConsentTextVersion;
    if (!error.empty()) d["error"] = error;
    if (auto n = ctx.request.Query("saved"))
        d["notice"] =
            Cat().Text(*n == "consents" ? "privacy_consents_saved" : "privacy_marketing_saved", me.lang);
    return Html(ctx, status, RenderPage("privacy", d));
}

// ---- Ending the membership (R_LIFE_1, R_LIFE_2, R_MEM_4) -----------------------------------------------

// `terms_version`: the member declines this major change of the terms, which ends the membership (R_MEM_9).
Response EndingPage(const Context& ctx, http::Services& s, const Me& me, int status, const std::string& error,
                    const std::string& terms_version = {}) {
    app::MembershipEnding ending(s.db, s.clock, s.markets);
    auto preview = ending.PreviewById(me.view.member.id);
    if (!preview) {  // e.g. the demo member, which cannot end (R_MEM_10)
        json e = BaseData(ctx, s, me.lang, "ending_title", "privacy");
        e["message"] = ErrorText(preview.error(), me.lang);
        return Html(ctx, StatusOf(preview.error()), RenderPage("error", e));
    }
    json d = BaseData(ctx, s, me.lang, "ending_title", "privacy");
    json forfeited = json::array();
    for (const auto& f : preview->forfeited) {
        std::string amount = Amount(f.amount, f.unit, me.lang);
        std::string key = "ending_forfeit_" + f.kind;
        forfeited.push_back({{"text", Cat().Format(Cat().Has(key) ? key : "ending_forfeit_other", me.lang,
                                                   {{"amount", amount}})}});
    }
    d["forfeited"] = forfeited;
    d["nothing_forfeited"] = forfeited.empty();
    std::string household_key = "ending_household_" + preview->household;
    if (Cat().Has(household_key))
        d["household"] = Cat().Format(household_key, me.lang, {{"name", preview->new_owner.value_or("")}});
    d["cards"] = Cat().Format("ending_cards", me.lang, {{"count", std::to_string(me.view.cards.size())}});
    d["profile"] = me.view.member.kind == "profile";
    d["share"] = FormatMoney(me.view.member.share_paid_minor, me.rules->currency, me.lang);
    d["has_share"] = me.view.member.share_paid_minor > 0;
    if (!error.empty()) d["error"] = error;
    if (!terms_version.empty()) {
        d["terms_version"] = terms_version;
        d["has_share"] = false;  // declining the terms leaves the cooperative membership as it is (R_MEM_4)
    }
    return Html(ctx, status, RenderPage("ending", d));
}

// The member's home store and address (R_MEM_6): the stores of the market to choose from; the address as the
// member gives it. The cooperative follows the address, which the operator moves (R_MEM_8).
Response DetailsPage(const Context& ctx, http::Services& s, const Me& me, int status,
                     const std::string& error, const std::string& notice, const json& entered = nullptr,
                     const json& contact = nullptr) {
    json d = BaseData(ctx, s, me.lang, "details_title", "overview");
    json stores = json::array();
    {
        auto c = s.db.Read();
        for (const auto& r : c->Query(
                 "SELECT s.code, s.name, s.city FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
                 "WHERE c.market = $1 ORDER BY s.city, s.name, s.code",
                 {store::Text(me.view.member.market)}))
            stores.push_back({{"code", r.Text(0)},
                              {"label", r.Text(1) + ", " + r.Text(2)},
                              {"selected", me.view.home_store && me.view.home_store->code == r.Text(0)}});
    }
    d["stores"] = stores;
    d["may_change_store"] = me.view.member.member_number.has_value();
    const auto& person = me.view.member.person;
    d["street"] = entered.is_object() ? entered.value("street", "") : person.street;
    d["postal_code"] = entered.is_object() ? entered.value("postal_code", "") : person.postal_code;
    d["city"] = entered.is_object() ? entered.value("city", "") : person.city;
    d["email"] = person.email.value_or("");
    d["phone"] = person.phone.value_or("");
    d["may_change_contact"] = !me.view.member.is_demo;  // R_MEM_10: the demo member's data stays
    if (contact.is_object()) d["contact"] = contact;
    if (me.view.cooperative) d["cooperative"] = me.view.cooperative->name;
    if (!error.empty()) d["error"] = error;
    if (!notice.empty()) d["notice"] = notice;
    return Html(ctx, status, RenderPage("details", d));
}

// The second half of a contact change: the code sent to the new address.
Response ContactCodePage(const Context& ctx, http::Services& s, const Me& me, int status,
                         const app::ContactChangeStarted& started, const std::string& error) {
    json d = BaseData(ctx, s, me.lang, "contact_code_title", "overview");
    d["challenge"] = started.challenge;
    d["channel"] = started.channel;
    d["hint"] = started.destination_hint;
    d["sent"] =
        Cat().Format(started.channel == "email" ? "contact_code_sent_email" : "contact_code_sent_phone",
                     me.lang, {{"destination", started.destination_hint}});
    if (!error.empty()) d["code_error"] = error;
    return Html(ctx, status, RenderPage("contact_code", d));
}

// The member terms (R_MEM_9): the latest version in full, when it was accepted, and the answer a major change
// needs: accept, or decline (which ends the membership, on the ending page).
Response TermsPage(const Context& ctx, http::Services& s, const Me& me, int status,
                   const std::string& error) {
    app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
    auto t = terms.Status(me.view.member.id);
    if (!t) return ErrorPage(ctx, s, me.lang, StatusOf(t.error()), "error_not_found");
    json d = BaseData(ctx, s, me.lang, "terms_title", "privacy");
    d["version"] = t->latest.version;
    d["published"] =
        Cat().Format("terms_published", me.lang,
                     {{"version", t->latest.version},
                      {"date", FormatDate(t->latest.published_at, me.rules->time_zone, me.lang)}});
    d["summary"] = t->latest.summary;
    json paragraphs = json::array();
    std::string body = t->latest.body;
    for (size_t start = 0; start < body.size();) {
        size_t end = body.find("\n\n", start);
        std::string part = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) paragraphs.push_back({{"text", part}});
        if (end == std::string::npos) break;
        start = end + 2;
    }
    d["paragraphs"] = paragraphs;
    bool accepted = t->accepted_version && *t->accepted_version == t->latest.version;
    d["accepted"] = accepted;
    if (accepted && t->accepted_at)
        d["accepted_text"] =
            Cat().Format("terms_accepted_on", me.lang,
                         {{"date", FormatDate(*t->accepted_at, me.rules->time_zone, me.lang)}});
    d["answer_needed"] = t->answer_needed;
    d["may_decline"] = t->answer_needed && me.view.member.kind == "member";
    if (!error.empty()) d["error"] = error;
    return Html(ctx, status, RenderPage("terms", d));
}

}  // namespace

void AddMyAccountPages(http::Router& router, http::Services& s) {
    router.Add("GET", "/my/household", {}, [&s](Context& ctx) {
        auto me = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&me)) return *r;
        return HouseholdPage(ctx, s, std::get<Me>(me), 200, nullptr, "");
    });
    // R_HH_5: the owner adds a family member: a new person, registered as a participant with the owner's
    // address and home store (R_HH_1, R_HH_2 age, R_HH_3 how many, R_HH_8 NO's two-step login).
    router.Add("POST", "/my/household/participants", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        if (!form) return HouseholdPage(ctx, s, me, 400, nullptr, Cat().Text("error_form", me.lang));
        const auto& m = me.view.member;
        if (!m.household_role || *m.household_role != "owner")
            return HouseholdPage(ctx, s, me, 403, &*form, Cat().Text("rule_R_HH_5", me.lang));
        app::RegisterInput person;
        person.national_id = Field(*form, "national_id");
        person.first_name = Field(*form, "first_name");
        person.last_name = Field(*form, "last_name");
        std::string email = Field(*form, "email"), phone = Field(*form, "phone");
        if (person.national_id.empty() || person.first_name.empty() || person.last_name.empty() ||
            person.national_id.size() > 20 || person.first_name.size() > 100 ||
            person.last_name.size() > 100 || email.size() > 254 || phone.size() > 20)
            return HouseholdPage(ctx, s, me, 400, &*form, Cat().Text("household_error_missing", me.lang));
        person.contact.email = email.empty() ? std::nullopt : std::optional<std::string>(email);
        person.contact.phone = phone.empty() ? std::nullopt : std::optional<std::string>(phone);
        person.contact.street = m.person.street;
        person.contact.postal_code = m.person.postal_code;
        person.contact.city = m.person.city;
        app::ParticipantInput in;
        in.person = person;
        auto done = s.membership.AddParticipant(*m.member_number, in, ctx.principal.Actor());
        if (!done)
            return HouseholdPage(ctx, s, me, StatusOf(done.error()), &*form,
                                 ErrorText(done.error(), me.lang));
        return SeeOther("/my/household?done=added");
    });
    router.Add("POST", "/my/household/participants/{member_number}/removal", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto done = s.membership.RemoveParticipant(*me.view.member.member_number, ctx.Param("member_number"),
                                                   ctx.principal.Actor());
        if (!done)
            return HouseholdPage(ctx, s, me, StatusOf(done.error()), nullptr,
                                 ErrorText(done.error(), me.lang));
        return SeeOther("/my/household?done=removed");
    });
    // R_HH_5, R_HH_7: a participant leaves at any time, keeping no right to the household's points.
    router.Add("POST", "/my/household/leave", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        if (!me.view.member.member_number) return ErrorPage(ctx, s, me.lang, 404, "error_not_found");
        auto done = s.membership.LeaveHousehold(*me.view.member.member_number, ctx.principal.Actor());
        if (!done)
            return HouseholdPage(ctx, s, me, StatusOf(done.error()), nullptr,
                                 ErrorText(done.error(), me.lang));
        return SeeOther("/my/household");
    });

    // Cards (R_CARD_1, R_MEM_7): block a lost or stolen card, order a new one.
    router.Add("GET", "/my/cards", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        json d = BaseData(ctx, s, me.lang, "cards_title", "cards");
        const std::string& tz = me.rules->time_zone;
        json cards = json::array();
        bool ordered = false;
        for (const auto& c : me.view.cards) {
            if (c.status == "ordered") ordered = true;
            cards.push_back(
                {{"id", std::to_string(c.id)},
                 {"number", Masked(c.card_number)},
                 {"status", Cat().Text("cards_status_" + c.status, me.lang)},
                 {"since", FormatDate(c.status_changed_at ? c.status_changed_at : c.issued_at, tz, me.lang)},
                 {"active", c.status == "active"}});
        }
        d["cards"] = cards;
        d["may_order"] = !ordered && me.view.member.member_number.has_value();
        d["ordered"] = ordered;
        if (auto n = ctx.request.Query("done"); n && (*n == "blocked" || *n == "ordered"))
            d["notice"] = Cat().Text("cards_" + *n, me.lang);
        return Html(ctx, 200, RenderPage("cards", d));
    });
    router.Add("POST", "/my/cards/{card_id}/block", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string reason = form ? Field(*form, "reason") : "";
        if (reason != "lost" && reason != "stolen" && reason != "damaged")
            return ErrorPage(ctx, s, me.lang, 400, "cards_error_reason");
        auto card = std::find_if(me.view.cards.begin(), me.view.cards.end(), [&](const store::CardRecord& c) {
            return std::to_string(c.id) == ctx.Param("card_id");
        });
        if (card == me.view.cards.end()) return ErrorPage(ctx, s, me.lang, 404, "error_not_found");
        auto done = s.membership.BlockCard(card->card_number, reason, ctx.principal.Actor());
        if (!done) return ErrorPage(ctx, s, me.lang, StatusOf(done.error()), "cards_error_refused");
        return SeeOther("/my/cards?done=blocked");
    });
    router.Add("POST", "/my/cards/order", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        if (!me.view.member.member_number) return ErrorPage(ctx, s, me.lang, 404, "error_not_found");
        auto done = s.membership.OrderCard(*me.view.member.member_number, ctx.principal.Actor());
        if (!done) return ErrorPage(ctx, s, me.lang, StatusOf(done.error()), "cards_error_refused");
        return SeeOther("/my/cards?done=ordered");
    });

    // Marketing choices per channel and the ad block (R_PRIV_1); consents per purpose (R_PRIV_2).
    router.Add("GET", "/my/privacy", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        return PrivacyPage(ctx, s, std::get<Me>(got), 200, "");
    });
    router.Add("POST", "/my/privacy/marketing", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        if (!form || !s.marketing) return PrivacyPage(ctx, s, me, 400, Cat().Text("error_form", me.lang));
        store::MarketingChoices c;
        // An unticked box is not sent at all: absent is "no".
        c.email = Field(*form, "email") == "yes";
        c.sms = Field(*form, "sms") == "yes";
        c.post = Field(*form, "post") == "yes";
        c.app = Field(*form, "app") == "yes";
        c.ad_block = Field(*form, "ad_block") == "yes";
        auto done = s.marketing->Set(me.view.member.id, c, ctx.principal.Actor(), false);
        if (!done) return PrivacyPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang));
        return SeeOther("/my/privacy?saved=marketing");
    });
    router.Add("POST", "/my/privacy/consents", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        if (!form) return PrivacyPage(ctx, s, me, 400, Cat().Text("error_form", me.lang));
        std::string version = Field(*form, "text_version");
        if (version != kConsentTextVersion)
            return PrivacyPage(ctx, s, me, 409, Cat().Text("error_csrf", me.lang));
        app::ConsentService consents(s.db, s.clock);
        for (const char* purpose : app::kConsentPurposes) {
            std::string answer = Field(*form, purpose);
            if (answer.empty()) continue;
            if (answer != "yes" && answer != "no")
                return PrivacyPage(ctx, s, me, 400, Cat().Text("error_form", me.lang));
            auto done = consents.Set(me.view.member.id, purpose, answer == "yes", "web", version,
                                     ctx.principal.Actor());
            if (!done)
                return PrivacyPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang));
        }
        return SeeOther("/my/privacy?saved=consents");
    });
    // R_PRIV_4: everything Andel holds about the member, as a JSON download.
    router.Add("GET", "/my/data-export", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        app::DataExport exporter(s.db, s.clock);
        auto j = exporter.ForMember(me.view.member.id);
        if (!j) return ErrorPage(ctx, s, me.lang, StatusOf(j.error()), "error_not_found");
        Response r = Response::Json(200, j->dump(2));
        r.content_type = "application/json; charset=utf-8";
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"andel-data.json\"");
        r.headers.emplace_back("Cache-Control", "no-store");
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return r;
    });

    // R_LIFE_1: the member ends the membership, having read what is forfeited.
    router.Add("GET", "/my/ending", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        std::string terms_version(ctx.request.Query("terms").value_or(""));
        if (terms_version.size() > 32) terms_version.clear();
        return EndingPage(ctx, s, std::get<Me>(got), 200, "", terms_version);
    });
    router.Add("POST", "/my/ending", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string terms_version = form ? Field(*form, "terms_version").substr(0, 32) : std::string();
        if (!form || Field(*form, "confirm") != "yes")
            return EndingPage(ctx, s, me, 422, Cat().Text("ending_error_confirm", me.lang), terms_version);
        bool leave_cooperative = Field(*form, "leave_cooperative") == "yes";
        core::Result<app::MembershipEndOutcome> done = core::Error::Invalid("not ended", "confirm");
        if (!terms_version.empty()) {  // R_MEM_9: declining a major change of the terms ends the membership
            app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
            done = terms.Decline(me.view.member.id, terms_version, ctx.principal.Actor());
        } else {
            app::MembershipEnding ending(s.db, s.clock, s.markets);
            done = ending.EndById(me.view.member.id, "", leave_cooperative, ctx.principal.Actor());
        }
        if (!done)
            return EndingPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang),
                              terms_version);
        // Every session ended with it; the cookie goes too.
        json d = BaseData(ctx, s, me.lang, "ended_title");
        d["signed_in"] = false;
        d.erase("nav");
        d["refund"] =
            done->share_refund_minor > 0
                ? json(Cat().Format(
                      "ended_refund", me.lang,
                      {{"amount", FormatMoney(done->share_refund_minor, me.rules->currency, me.lang)}}))
                : json(nullptr);
        Response r = Html(ctx, 200, RenderPage("ended", d));
        r.headers.emplace_back("Set-Cookie", http::SessionCookie("", 0));
        return r;
    });

    // R_MEM_6: the home store can be changed at any time; the address as the member gives it.
    router.Add("GET", "/my/details", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        std::string done(ctx.request.Query("done").value_or(""));
        std::string notice = done == "store"     ? Cat().Text("details_saved_store", me.lang)
                             : done == "address" ? Cat().Text("details_saved_address", me.lang)
                             : done == "email"   ? Cat().Text("contact_saved_email", me.lang)
                             : done == "phone"   ? Cat().Text("contact_saved_phone", me.lang)
                                                 : std::string();
        return DetailsPage(ctx, s, me, 200, "", notice);
    });
    router.Add("POST", "/my/details/home-store", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string code = form ? Field(*form, "store") : std::string();
        if (code.empty() || code.size() > 64 || !me.view.member.member_number)
            return DetailsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang), "");
        auto done = s.membership.ChangeHomeStore(*me.view.member.member_number, code, ctx.principal.Actor());
        if (!done)
            return DetailsPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang), "");
        return SeeOther("/my/details?done=store");
    });
    router.Add("POST", "/my/details/address", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        if (!form) return DetailsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang), "");
        json entered = {{"street", Field(*form, "street").substr(0, 200)},
                        {"postal_code", Field(*form, "postal_code").substr(0, 16)},
                        {"city", Field(*form, "city").substr(0, 100)}};
        if (entered["street"].get<std::string>().empty() ||
            entered["postal_code"].get<std::string>().empty() || entered["city"].get<std::string>().empty())
            return DetailsPage(ctx, s, me, 422, Cat().Text("details_error_address", me.lang), "", entered);
        if (!me.view.member.member_number)
            return DetailsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang), "", entered);
        // Phone and e-mail stay as they are: a change of those is confirmed by a code (customer service).
        app::ContactInput contact;
        contact.email = me.view.member.person.email;
        contact.phone = me.view.member.person.phone;
        contact.street = entered["street"];
        contact.postal_code = entered["postal_code"];
        contact.city = entered["city"];
        auto done = s.membership.ChangeContact(*me.view.member.member_number, contact, ctx.principal.Actor());
        if (!done)
            return DetailsPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang), "",
                               entered);
        return SeeOther("/my/details?done=address");
    });

    // A new e-mail or mobile number: a code goes to the new address, and the change is made when it comes
    // back (app::ContactChanges); the old address is told.
    router.Add("POST", "/my/details/contact", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string channel = form ? Field(*form, "channel") : std::string();
        if (channel != "email" && channel != "phone")
            return DetailsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang), "");
        std::string value = Field(*form, "value").substr(0, 254);
        json contact = {{"channel", channel}, {"value", value}, {channel, true}};
        if (!core::IsValidUtf8(value)) {
            contact["value"] = "";
            contact["error"] = Cat().Text("contact_error_" + channel, me.lang);
            return DetailsPage(ctx, s, me, 422, "", "", nullptr, contact);
        }
        auto started = app::ContactChanges(s.db, s.clock, s.sealer, s.auth)
                           .Start(me.view.member.id, channel, value, me.lang);
        if (!started) {
            const auto& e = started.error();
            contact["error"] =
                e.code == core::ErrorCode::kConflict      ? Cat().Text("contact_error_taken", me.lang)
                : e.code == core::ErrorCode::kRateLimited ? Cat().Text("contact_error_limit", me.lang)
                : e.rule.empty()                          ? Cat().Text("contact_error_" + channel, me.lang)
                                                          : ErrorText(e, me.lang);
            return DetailsPage(ctx, s, me, StatusOf(e), "", "", nullptr, contact);
        }
        return ContactCodePage(ctx, s, me, 200, *started, "");
    });
    router.Add("POST", "/my/details/contact/confirm", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string challenge = form ? Field(*form, "challenge") : std::string();
        std::string channel = form ? Field(*form, "channel") : std::string();
        if (challenge.empty() || challenge.size() > 100 || (channel != "email" && channel != "phone"))
            return DetailsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang), "");
        std::string code = Field(*form, "code").substr(0, 16);
        std::erase(code, ' ');  // "123 456" as a phone may show it
        auto done = app::ContactChanges(s.db, s.clock, s.sealer, s.auth)
                        .Confirm(me.view.member.id, challenge, code, me.lang, ctx.principal.Actor());
        if (!done) {
            const auto& e = done.error();
            if (e.code == core::ErrorCode::kNotFound)  // finished or replaced: start again
                return DetailsPage(ctx, s, me, 404, Cat().Text("contact_error_gone", me.lang), "");
            if (e.field != "code") return DetailsPage(ctx, s, me, StatusOf(e), ErrorText(e, me.lang), "");
            app::ContactChangeStarted again{challenge, channel, Field(*form, "hint").substr(0, 80), 0};
            return ContactCodePage(ctx, s, me, StatusOf(e), again, Cat().Text("contact_error_code", me.lang));
        }
        return SeeOther("/my/details?done=" + done->channel);
    });

    // R_MEM_9: the terms; a major change not yet accepted is asked for after login (the overview sends here).
    router.Add("GET", "/my/terms", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        return TermsPage(ctx, s, std::get<Me>(got), 200, "");
    });
    router.Add("POST", "/my/terms", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        auto form = ParseForm(ctx.request);
        std::string version = form ? Field(*form, "version") : std::string();
        if (version.empty() || version.size() > 32)
            return TermsPage(ctx, s, me, 400, Cat().Text("error_form", me.lang));
        app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
        auto done = terms.Accept(me.view.member.id, version, "web");
        if (!done) return TermsPage(ctx, s, me, StatusOf(done.error()), ErrorText(done.error(), me.lang));
        return SeeOther("/my");
    });

    // R_MEM_3: a customer with a profile becomes a member once the savings hold the share.
    router.Add("GET", "/my/membership", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        if (me.view.member.kind != "profile") return SeeOther("/my");
        auto summary = s.rewards.SummaryById(me.view.member.id);
        if (!summary) return ErrorPage(ctx, s, me.lang, StatusOf(summary.error()), "error_not_found");
        int64_t saved = summary->savings_minor;
        json d = BaseData(ctx, s, me.lang, "membership_title", "overview");
        int64_t share = me.rules->share_minor;
        d["saved"] = FormatMoney(saved, me.rules->currency, me.lang);
        d["share"] = FormatMoney(share, me.rules->currency, me.lang);
        d["enough"] = saved >= share;
        d["savings_market"] = me.rules->profile_savings_rate_bp > 0;
        if (saved < share)
            d["remaining"] =
                Cat().Format("membership_remaining", me.lang,
                             {{"amount", FormatMoney(share - saved, me.rules->currency, me.lang)}});
        else if (saved > share)
            d["extra"] = Cat().Format("membership_extra", me.lang,
                                      {{"amount", FormatMoney(saved - share, me.rules->currency, me.lang)}});
        return Html(ctx, 200, RenderPage("membership", d));
    });
    router.Add("POST", "/my/membership", {}, [&s](Context& ctx) {
        auto got = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Me& me = std::get<Me>(got);
        if (me.view.member.kind != "profile") return SeeOther("/my");
        auto done = s.membership.ConvertProfile(me.view.member.id, 0, std::nullopt, ctx.principal.Actor());
        if (!done) return ErrorPage(ctx, s, me.lang, StatusOf(done.error()), "membership_error_refused");
        return SeeOther("/my?welcome=member");
    });
}

}  // namespace andel::web
