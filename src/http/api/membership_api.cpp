#include "app/access/api_key_service.hpp"
#include "core/json_text.hpp"
#include "core/membership/numbers.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::http {
namespace {

using nlohmann::json;
const std::set<std::string> kBackOffice = {app::kRoleBackOffice};
const std::set<std::string> kTillOrBackOffice = {app::kRoleTill, app::kRoleBackOffice};
// Customer service finds and reads a member to help them (R_AUTH_3); changes stay with the back office.
const std::set<std::string> kSupportRead = {app::kRoleBackOffice, app::auth::kRoleServiceAgent};

json Time(int64_t ms) { return core::FormatTimestamp(core::FromMillis(ms)); }
json OptTime(const std::optional<int64_t>& ms) { return ms ? Time(*ms) : json(nullptr); }
json Opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json CardJson(const store::CardRecord& c) {
    return {{"card_number", c.card_number},
            {"status", c.status},
            {"issued_at", Time(c.issued_at)},
            {"status_changed_at", Time(c.status_changed_at)},
            {"status_reason", c.status_reason}};
}

json HouseholdJson(const store::HouseholdRecord& h) {
    json members = json::array();
    for (const auto& m : h.members)
        members.push_back({{"member_number", Opt(m.member_number)},
                           {"first_name", m.first_name},
                           {"last_name", m.last_name},
                           {"role", m.role},
                           {"joined_at", Time(m.joined_at)}});
    return {{"id", h.id}, {"created_at", Time(h.created_at)}, {"members", members}};
}

json MemberJson(const app::MemberView& v) {
    const auto& m = v.member;
    json j = {{"customer_id", m.id},
              {"member_number", Opt(m.member_number)},
              {"kind", m.kind},
              {"status", m.status},
              {"market", m.market},
              {"first_name", m.person.first_name},
              {"last_name", m.person.last_name},
              {"birth_date", m.person.birth_date},
              {"age", v.age},
              {"email", Opt(m.person.email)},
              {"phone", Opt(m.person.phone)},
              {"address",
               {{"street", m.person.street}, {"postal_code", m.person.postal_code}, {"city", m.person.city}}},
              {"cooperative_member", v.cooperative_member},
              {"share_paid_minor", m.share_paid_minor},
              {"is_demo", m.is_demo},
              {"joined_at", Time(m.joined_at)},
              {"ended_at", OptTime(m.ended_at)},
              {"household_role", Opt(m.household_role)}};
    j["cooperative"] =
        v.cooperative ? json{{"code", v.cooperative->code}, {"name", v.cooperative->name}} : json(nullptr);
    j["home_store"] =
        v.home_store
            ? json{{"code", v.home_store->code}, {"name", v.home_store->name}, {"city", v.home_store->city}}
            : json(nullptr);
    j["household"] = v.household ? HouseholdJson(*v.household) : json(nullptr);
    j["cards"] = json::array();
    for (const auto& c : v.cards) j["cards"].push_back(CardJson(c));
    j["accepted_terms"] = v.accepted_terms ? json{{"version", v.accepted_terms->first},
                                                  {"accepted_at", Time(v.accepted_terms->second)}}
                                           : json(nullptr);
    return j;
}

json SummaryJson(const store::MemberRecord& m) {
    return {{"member_number", Opt(m.member_number)},
            {"kind", m.kind},
            {"status", m.status},
            {"market", m.market},
            {"first_name", m.person.first_name},
            {"last_name", m.person.last_name},
            {"birth_date", m.person.birth_date},
            {"household_role", Opt(m.household_role)}};
}

// What a till may know (R_CARD_2): enough to register the purchase, no contact data.
// The till's answer, written without a JSON tree (the hot path of a till): the keys in nlohmann's order
// (sorted), byte for byte what dumping the same object would write.
std::string TillBody(const app::TillIdentity& t) {
    const auto& m = t.member;
    auto text_or_null = [](std::string& out, const std::optional<std::string>& s) {
        if (s)
            core::AppendJsonString(out, *s);
        else
            out += "null";
    };
    std::string out;
    out.reserve(256);
    out += "{\"first_name\":";
    core::AppendJsonString(out, m.first_name);
    out += ",\"household\":";
    if (m.household_id) {
        out += "{\"id\":";
        core::AppendJsonInt(out, *m.household_id);
        out += ",\"owner_member_number\":";
        text_or_null(out, m.owner_member_number);
        out += ",\"role\":";
        text_or_null(out, m.household_role);
        out += ",\"size\":";
        core::AppendJsonInt(out, m.household_size);
        out += '}';
    } else {
        out += "null";
    }
    out += ",\"identified_by\":";
    core::AppendJsonString(out, t.identified_by);
    out += ",\"kind\":";
    core::AppendJsonString(out, m.kind);
    out += ",\"market\":";
    core::AppendJsonString(out, m.market);
    out += t.may_earn ? ",\"may_earn\":true" : ",\"may_earn\":false";
    out += ",\"member_number\":";
    text_or_null(out, m.member_number);
    out += ",\"status\":";
    core::AppendJsonString(out, m.status);
    out += '}';
    return out;
}

Response TillReply(Context& ctx, const core::Result<app::TillIdentity>& r) {
    if (!r.ok()) return Problem(r.error(), ctx.request.request_id);
    return Response::Json(200, TillBody(*r));
}

template <typename T, typename F>
Response Reply(Context& ctx, const core::Result<T>& r, int status, F&& to_json) {
    if (!r.ok()) return Problem(r.error(), ctx.request.request_id);
    return JsonResponse(status, to_json(r.value()));
}

app::ContactInput ReadContact(Fields& f) {
    app::ContactInput c;
    c.email = f.OptionalString("email", 254);
    c.phone = f.OptionalString("phone", 16);
    c.street = f.OptionalString("street", 200).value_or("");
    c.postal_code = f.OptionalString("postal_code", 16).value_or("");
    c.city = f.OptionalString("city", 100).value_or("");
    return c;
}

core::Result<app::RegisterInput> ReadRegistration(const json& body, const std::string& prefix) {
    Fields f(body, prefix);
    app::RegisterInput in;
    in.market = f.OptionalString("market", 8).value_or("");
    in.kind = f.OptionalString("kind", 16).value_or("member");
    in.national_id = f.RequiredString("national_id", 20);
    in.first_name = f.RequiredString("first_name", 100);
    in.last_name = f.RequiredString("last_name", 100);
    in.contact = ReadContact(f);
    in.home_store_code = f.OptionalString("home_store", 32).value_or("");
    in.share_paid_minor = f.OptionalInt("share_paid_minor", 0, 100'000'000).value_or(0);
    in.terms_version = f.OptionalString("terms_version", 32);
    ANDEL_TRY(f.Finish());
    return in;
}

std::optional<Response> CheckMemberNumber(Context& ctx, const std::string& name) {
    if (!core::IsValidMemberNumber(ctx.Param(name)))
        return Problem(core::Error::Malformed("a member number has 8 digits with a valid check digit", name),
                       ctx.request.request_id);
    return std::nullopt;
}

}  // namespace

void AddMembershipRoutes(Router& router, Services& s) {
    router.Add("GET", "/api/v1/markets", kTillOrBackOffice, [&s](Context&) {
        json out = json::array();
        for (const auto& [code, m] : s.markets)
            out.push_back({{"code", code},
                           {"name", m.name},
                           {"currency", m.currency},
                           {"language", m.language},
                           {"time_zone", m.time_zone},
                           {"share_minor", m.share_minor},
                           {"max_participants", m.max_participants}});
        return JsonResponse(200, {{"items", out}});
    });

    router.Add("GET", "/api/v1/cooperatives", kTillOrBackOffice, [&s](Context& ctx) {
        auto c = s.db.Read();
        json out = json::array();
        for (const auto& co :
             store::MembershipRepository(*c).ListCooperatives(ctx.request.Query("market").value_or("")))
            out.push_back({{"code", co.code}, {"name", co.name}, {"market", co.market}});
        return JsonResponse(200, {{"items", out}});
    });

    router.Add("POST", "/api/v1/cooperatives", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        store::CooperativeRecord r;
        r.market = f.RequiredString("market", 8);
        r.code = f.RequiredString("code", 32);
        r.name = f.RequiredString("name", 100);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        if (!s.markets.contains(r.market))
            return Problem(core::Error::Invalid("unknown or disabled market: " + r.market, "market"),
                           ctx.request.request_id);
        store::Transaction tx(s.db);
        store::MembershipRepository repo(tx.conn());
        if (repo.FindCooperativeByCode(r.code))
            return Problem(core::Error::Conflict("a cooperative with that code exists"),
                           ctx.request.request_id);
        repo.InsertCooperative(r, core::ToMillis(s.clock.Now()));
        tx.Commit();
        return JsonResponse(201, {{"code", r.code}, {"name", r.name}, {"market", r.market}});
    });

    router.Add("GET", "/api/v1/stores", kTillOrBackOffice, [&s](Context& ctx) {
        auto c = s.db.Read();
        store::MembershipRepository repo(*c);
        std::optional<int64_t> coop_id;
        if (auto code = ctx.request.Query("cooperative")) {
            auto coop = repo.FindCooperativeByCode(*code);
            if (!coop)
                return Problem(core::Error::NotFound("no cooperative " + *code), ctx.request.request_id);
            coop_id = coop->id;
        }
        json out = json::array();
        for (const auto& st : repo.ListStores(coop_id))
            out.push_back({{"code", st.code},
                           {"name", st.name},
                           {"city", st.city},
                           {"cooperative", repo.FindCooperative(st.cooperative_id)->code}});
        return JsonResponse(200, {{"items", out}});
    });

    router.Add("POST", "/api/v1/stores", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string coop_code = f.RequiredString("cooperative", 32);
        store::StoreRecord r;
        r.code = f.RequiredString("code", 32);
        r.name = f.RequiredString("name", 100);
        r.city = f.RequiredString("city", 100);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        store::Transaction tx(s.db);
        store::MembershipRepository repo(tx.conn());
        auto coop = repo.FindCooperativeByCode(coop_code);
        if (!coop)
            return Problem(core::Error::Invalid("no cooperative " + coop_code, "cooperative"),
                           ctx.request.request_id);
        if (repo.FindStoreByCode(r.code))
            return Problem(core::Error::Conflict("a store with that code exists"), ctx.request.request_id);
        r.cooperative_id = coop->id;
        repo.InsertStore(r, core::ToMillis(s.clock.Now()));
        tx.Commit();
        return JsonResponse(
            201, {{"code", r.code}, {"name", r.name}, {"city", r.city}, {"cooperative", coop_code}});
    });

    router.Add("POST", "/api/v1/members", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadRegistration(*body, "");
        if (!in) return Problem(in.error(), ctx.request.request_id);
        return Reply(ctx, s.membership.Register(*in, ctx.principal.Actor()), 201, MemberJson);
    });

    router.Add("GET", "/api/v1/members", kSupportRead, [&s](Context& ctx) {
        auto q = ctx.request.Query("q").value_or("");
        int64_t limit = 20, after = 0;
        try {
            if (auto l = ctx.request.Query("limit")) limit = std::stoll(*l);
            if (auto a = ctx.request.Query("after")) after = std::stoll(*a);
        } catch (const std::exception&) {
            return Problem(core::Error::Malformed("limit and after must be integers"),
                           ctx.request.request_id);
        }
        if (limit < 1 || limit > 100)
            return Problem(core::Error::Malformed("limit must be 1 to 100", "limit"), ctx.request.request_id);
        auto r = s.membership.Search(q, static_cast<int>(limit), after);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& m : *r) items.push_back(SummaryJson(m));
        json out = {{"items", items}, {"next", nullptr}};
        if (static_cast<int64_t>(r->size()) == limit) out["next"] = std::to_string(r->back().id);
        return JsonResponse(200, out);
    });

    // R_MEM_3: a customer with a profile becomes a member; customers with a profile have no member number,
    // so they are addressed by their customer id.
    router.Add("POST", "/api/v1/customers/{customer_id}/membership", kBackOffice, [&s](Context& ctx) {
        int64_t id = 0;
        const auto& text = ctx.Param("customer_id");
        if (text.empty() || text.size() > 18 || !core::AllDigits(text))
            return Problem(core::Error::Malformed("customer_id is a positive integer", "customer_id"),
                           ctx.request.request_id);
        id = std::stoll(text);
        std::optional<int64_t> pay;
        std::optional<std::string> home_store;
        if (!ctx.request.body.empty()) {
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            pay = f.OptionalInt("pay_minor", 0, 100'000'000);
            home_store = f.OptionalString("home_store", 32);
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        }
        return Reply(ctx, s.membership.ConvertProfile(id, pay, home_store, ctx.principal.Actor()), 200,
                     MemberJson);
    });

    router.Add("GET", "/api/v1/members/{member_number}", kSupportRead, [&s](Context& ctx) {
        return Reply(ctx, s.membership.Get(ctx.Param("member_number")), 200, MemberJson);
    });

    router.Add("GET", "/api/v1/members/{member_number}/events", kSupportRead, [&s](Context& ctx) {
        if (auto bad = CheckMemberNumber(ctx, "member_number")) return *bad;
        auto c = s.db.Read();
        store::MembershipRepository repo(*c);
        auto m = repo.FindMemberByNumber(ctx.Param("member_number"));
        if (!m) return Problem(core::Error::NotFound("no member with that number"), ctx.request.request_id);
        json items = json::array();
        for (const auto& e : repo.ListEvents(m->id, 100))
            items.push_back({{"kind", e.kind},
                             {"detail", json::parse(e.detail, nullptr, false)},
                             {"actor", e.actor},
                             {"at", Time(e.at)}});
        return JsonResponse(200, {{"items", items}});
    });

    router.Add("PUT", "/api/v1/members/{member_number}/contact", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto contact = ReadContact(f);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx,
                     s.membership.ChangeContact(ctx.Param("member_number"), contact, ctx.principal.Actor()),
                     200, MemberJson);
    });

    router.Add("PUT", "/api/v1/members/{member_number}/home-store", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto store = f.RequiredString("home_store", 32);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx,
                     s.membership.ChangeHomeStore(ctx.Param("member_number"), store, ctx.principal.Actor()),
                     200, MemberJson);
    });

    router.Add("POST", "/api/v1/members/{member_number}/cooperative-move", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto store = f.RequiredString("home_store", 32);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx,
                     s.membership.MoveCooperative(ctx.Param("member_number"), store, ctx.principal.Actor()),
                     200, MemberJson);
    });

    router.Add(
        "POST", "/api/v1/members/{member_number}/household/participants", kBackOffice, [&s](Context& ctx) {
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            app::ParticipantInput in;
            in.member_number = f.OptionalString("member_number", 8);
            if (const auto* person = f.OptionalObject("person")) {
                auto reg = ReadRegistration(*person, "person.");
                if (!reg) return Problem(reg.error(), ctx.request.request_id);
                in.person = *reg;
            }
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            return Reply(ctx,
                         s.membership.AddParticipant(ctx.Param("member_number"), in, ctx.principal.Actor()),
                         201, MemberJson);
        });

    router.Add("DELETE", "/api/v1/members/{member_number}/household/participants/{participant}", kBackOffice,
               [&s](Context& ctx) {
                   return Reply(
                       ctx,
                       s.membership.RemoveParticipant(ctx.Param("member_number"), ctx.Param("participant"),
                                                      ctx.principal.Actor()),
                       200, MemberJson);
               });

    router.Add("POST", "/api/v1/members/{member_number}/household/leave", kBackOffice, [&s](Context& ctx) {
        return Reply(ctx, s.membership.LeaveHousehold(ctx.Param("member_number"), ctx.principal.Actor()), 200,
                     MemberJson);
    });

    router.Add("POST", "/api/v1/members/{member_number}/cards", kBackOffice, [&s](Context& ctx) {
        return Reply(ctx, s.membership.OrderCard(ctx.Param("member_number"), ctx.principal.Actor()), 201,
                     CardJson);
    });

    auto card_action = [&s](bool replace) {
        return [&s, replace](Context& ctx) {
            std::string reason;
            if (!ctx.request.body.empty()) {
                auto body = ParseObject(ctx.request);
                if (!body) return Problem(body.error(), ctx.request.request_id);
                Fields f(*body);
                reason = f.OptionalString("reason", 200).value_or("");
                if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            }
            const auto& number = ctx.Param("card_number");
            auto r = replace ? s.membership.ReplaceCard(number, reason, ctx.principal.Actor())
                             : s.membership.BlockCard(number, reason, ctx.principal.Actor());
            return Reply(ctx, r, 200, CardJson);
        };
    };
    router.Add("POST", "/api/v1/cards/{card_number}/block", kBackOffice, card_action(false));
    router.Add("POST", "/api/v1/cards/{card_number}/replace", kBackOffice, card_action(true));
    router.Add("POST", "/api/v1/cards/{card_number}/activate", kBackOffice, [&s](Context& ctx) {
        return Reply(ctx, s.membership.ActivateCard(ctx.Param("card_number"), ctx.principal.Actor()), 200,
                     CardJson);
    });

    auto terms_json = [](const store::TermsRecord& r) {
        return json{{"market", r.market},   {"version", r.version}, {"major", r.major},
                    {"summary", r.summary}, {"body", r.body},       {"published_at", Time(r.published_at)}};
    };
    // R_MEM_9: the latest terms are always published, to anyone.
    router.Add("GET", "/api/v1/terms/{market}", {}, [&s, terms_json](Context& ctx) {
        return Reply(ctx, s.membership.LatestTerms(ctx.Param("market")), 200, terms_json);
    });

    router.Add("POST", "/api/v1/terms", kBackOffice, [&s, terms_json](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        store::TermsRecord t;
        t.market = f.RequiredString("market", 8);
        t.version = f.RequiredString("version", 32);
        t.summary = f.RequiredString("summary", 2000);
        t.body = f.OptionalString("body", 100'000).value_or("");
        t.major = f.OptionalBool("major").value_or(false);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, s.membership.PublishTerms(t), 201, terms_json);
    });

    router.Add("POST", "/api/v1/members/{member_number}/terms-acceptances", kBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto version = f.RequiredString("version", 32);
        auto channel = f.OptionalString("channel", 16).value_or("backoffice");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, s.membership.AcceptTerms(ctx.Param("member_number"), version, channel), 200,
                     MemberJson);
    });

    // Tills (R_CARD_2): the fast path by card, and any identifier by POST so a national id never sits in a
    // URL.
    router.Add("GET", "/api/v1/till/cards/{card_number}", kTillOrBackOffice, [&s](Context& ctx) {
        return TillReply(ctx, s.membership.IdentifyByCard(ctx.Param("card_number")));
    });

    router.Add("POST", "/api/v1/till/identify", kTillOrBackOffice, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto card = f.OptionalString("card", 16);
        auto number = f.OptionalString("member_number", 8);
        auto national_id = f.OptionalString("national_id", 20);
        auto market = f.OptionalString("market", 8);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        int given = card.has_value() + number.has_value() + national_id.has_value();
        if (given != 1)
            return Problem(core::Error::Malformed("give exactly one of card, member_number, national_id"),
                           ctx.request.request_id);
        if (card) return TillReply(ctx, s.membership.IdentifyByCard(*card));
        if (number) return TillReply(ctx, s.membership.IdentifyByMemberNumber(*number));
        if (!market)
            return Problem(core::Error::Malformed("market is required with national_id", "market"),
                           ctx.request.request_id);
        return TillReply(ctx, s.membership.IdentifyByNationalId(*market, *national_id));
    });
}

}  // namespace andel::http
