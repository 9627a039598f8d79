#include <span>
#include <sstream>

#include "app/catalogue/catalogue_service.hpp"
#include "app/crypto.hpp"
#include "app/demo/demo_catalogue.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "app/offers/offer_service.hpp"
#include "app/partners/partner_service.hpp"
#include "store/access/account_repository.hpp"
#include "store/access/api_key_repository.hpp"
#include "store/ledger/points_shop_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "store/partners/partner_repository.hpp"

namespace andel::app {
namespace {

// The demo's member terms (after se-member-terms): the full text members are asked to accept (R_MEM_9).
constexpr const char* kDemoTermsBody =
    "Member terms, version 2026-1 (demo).\n"
    "1. The terms. These terms apply between you and your cooperative. The latest version is always "
    "published; "
    "a major change is told to every member, and a member who does not accept it may end the membership.\n"
    "2. Membership. Anyone living in the market may become a member; each person holds one membership. A "
    "member pays the cooperative's share once; it is refunded when the member leaves the cooperative.\n"
    "3. Household. Up to the market's number of people may share one household and pool bonus or points. The "
    "owner adds and removes participants.\n"
    "4. Bonus and points. Purchases with the member card earn bonus or points as the market's rules say; "
    "points "
    "expire after 36 months.\n"
    "5. Personal data. The cooperative keeps what the membership needs, asks before tracking or "
    "personalising, lets you see everything it holds, and deletes it within 12 months after the membership "
    "ends.\n"
    "6. Ending. You may end the membership at any time; its bonus and points are then forfeited.\n";

void DemoKey(store::Connection& c, const std::string& token, const std::string& role,
             std::optional<int64_t> store_id, const std::string& name, int64_t now) {
    store::ApiKeyRecord k;
    k.key_id = token.substr(6, 16);
    k.secret_hash = Sha256Hex(token.substr(23));
    k.role = role;
    k.store_id = store_id;
    k.name = name;
    k.created_at = now;
    store::ApiKeyRepository(c).Insert(k);
}

// The partners of the seed (dk-partner-programme: OK, Topdanmark, TUI 5 %, Synoptik 5 % on glasses and 1 %
// on subscriptions, Flügger) and one each in NO and SE, with agreements from 2026-01-01.
void SeedDemoPartners(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                      const core::Clock& clock) {
    PartnerService partners(db, clock, markets, DefaultPartnerCategories());
    struct Demo {
        const char *code, *market, *name, *category, *description;
        bool online, shop;
        int holding_days;
        std::vector<core::PartnerAgreement> rates;
    };
    const Demo demo[] = {
        {"dk-ok",
         "dk",
         "OK",
         "car_transport",
         "Benzin, diesel og el-opladning på OK's tankstationer.",
         false,
         true,
         0,
         {{0, "fuel", "Brændstof", 100, "2026-01-01", {}}}},
        {"dk-topdanmark",
         "dk",
         "Topdanmark",
         "home",
         "Forsikring af hus, bil og indbo.",
         true,
         false,
         0,
         {{0, "insurance", "Forsikringer", 300, "2026-01-01", {}}}},
        {"dk-tui",
         "dk",
         "TUI",
         "holiday_hotel",
         "Pakkerejser og hoteller. Bonus udbetales efter rejsen.",
         true,
         true,
         30,
         {{0, "travel", "Rejser", 500, "2026-01-01", {}}}},
        {"dk-synoptik",
         "dk",
         "Synoptik",
         "home",
         "Briller, solbriller og kontaktlinser.",
         true,
         true,
         0,
         {{0, "glasses", "Briller og solbriller", 500, "2026-01-01", {}},
          {0, "subscriptions", "Linseabonnementer", 100, "2026-01-01", {}}}},
        {"dk-flugger",
         "dk",
         "Flügger",
         "home",
         "Maling og tapet.",
         false,
         true,
         0,
         {{0, "paint", "Maling", 500, "2026-01-01", {}}}},
        {"no-fjordline",
         "no",
         "Fjord Line",
         "holiday_hotel",
         "Ferjereiser mellom Norge og Danmark.",
         true,
         false,
         0,
         {{0, "travel", "Reiser", 300, "2026-01-01", {}}}},
        {"se-liseberg",
         "se",
         "Liseberg",
         "experiences",
         "Nöjespark i Göteborg.",
         true,
         true,
         0,
         {{0, "tickets", "Entré och åkband", 500, "2026-01-01", {}}}},
    };
    for (const auto& d : demo) {
        if (!markets.contains(d.market)) continue;
        PartnerInput in{d.code,       d.market, d.name, d.category,   d.description, std::nullopt,
                        std::nullopt, d.online, d.shop, "2026-01-01", std::nullopt,  d.holding_days};
        auto p = partners.Create(in, "demo");
        if (!p) throw std::runtime_error(std::string("demo partner ") + d.code + ": " + p.error().detail);
        for (const auto& a : d.rates) {
            auto added = partners.AddAgreement(d.code, a, "demo");
            if (!added)
                throw std::runtime_error(std::string("demo agreement ") + d.code + ": " +
                                         added.error().detail);
        }
    }
}

}  // namespace

void SeedDemoCatalogue(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                       const core::Clock& clock) {
    CatalogueService catalogue(db, clock, markets);
    for (const auto& [market, text] : {std::pair{"dk", kDemoCatalogue_dk}, std::pair{"no", kDemoCatalogue_no},
                                       std::pair{"se", kDemoCatalogue_se}}) {
        if (!markets.count(market)) continue;
        std::istringstream in(text);
        auto r = catalogue.Import(in, {market, "csv", false, false}, "demo");
        if (!r || r->refused > 0)
            throw std::runtime_error(std::string("demo catalogue ") + market + ": " +
                                     (!r ? r.error().detail : r->problems.at(0).detail));
    }
}

void SeedDemoOffers(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                    const core::Clock& clock) {
    const notify::Sealer sealer(RandomHex(32));  // seals quotes, which seeding makes none of
    OfferService offers(db, clock, markets, sealer);
    auto day = [&](int offset) {
        return core::FormatDate(core::UtcDate(clock.Now() + std::chrono::hours(24 * offset)));
    };
    struct Demo {
        const char *market, *code, *title, *kind, *target_kind, *target;
        int64_t value, second;
        bool activation;
    };
    const Demo list[] = {
        {"dk", "dk-medlemspris-maelk", "Medlemspris: økologisk letmælk 9,95", "member_price", "products",
         "5700000000011", 995, 0, false},
        {"dk", "dk-kaffe-3-for-2", "App-kupon: 3 for 2 på formalet kaffe", "multi_buy", "products",
         "5700000000172", 3, 2, true},
        {"dk", "dk-frugt-11-procent", "11 % bonus på frugt og grønt", "extra_bonus", "category",
         "frugt-og-groent", 1100, 0, false},
        {"no", "no-medlemspris-melk", "Medlemspris: lettmelk 19,90", "member_price", "products",
         "7090000000011", 1990, 0, false},
        {"se", "se-dubbla-poang-frukt", "Dubbla poäng på frukt och grönt", "extra_points", "category",
         "frukt-och-gront", 1, 0, false},
        {"se", "se-kaffe-200-poang", "Appkupong: 200 extra poäng på bryggkaffe", "points_bonus", "products",
         "7350000000115", 200, 0, true},
    };
    for (const auto& d : list) {
        if (!markets.count(d.market)) continue;
        OfferInput in;
        in.code = d.code;
        in.market = d.market;
        in.title = d.title;
        in.kind = d.kind;
        in.target_kind = d.target_kind;
        if (in.target_kind == "products")
            in.eans = {d.target};
        else
            in.category = d.target;
        std::string kind = d.kind;
        if (kind == "member_price") in.member_price_minor = d.value;
        if (kind == "multi_buy") {
            in.buy_quantity = d.value;
            in.pay_quantity = d.second;
        }
        if (kind == "extra_bonus") in.bonus_bp = d.value;
        if (kind == "extra_points") in.points_per_unit = d.value;
        if (kind == "points_bonus") in.points = d.value;
        in.requires_activation = d.activation;
        in.valid_from = day(-7);
        in.valid_to = day(83);
        auto r = offers.Create(in, "demo");
        if (!r && r.error().code != core::ErrorCode::kConflict)
            throw std::runtime_error(std::string("demo offer ") + d.code + ": " + r.error().detail);
    }
}

void SeedDemo(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
              const std::string& national_id_key, const core::Clock& clock) {
    {
        auto c = db.Read();
        if (store::MembershipRepository(*c).FindMemberByNumber(kDemoMemberNumber)) return;
    }
    int64_t now = core::ToMillis(clock.Now());
    EnsureReferenceData(db, markets, now);

    MembershipService membership(db, clock, markets, national_id_key);
    for (const auto& [code, rules] : markets) {
        auto r = membership.PublishTerms({0, code, "2026-1", "Medlemsvilkår / member terms, version 2026-1",
                                          true, 0, kDemoTermsBody, std::nullopt});
        if (!r && r.error().code != core::ErrorCode::kConflict) throw std::runtime_error(r.error().detail);
    }

    if (markets.contains("dk")) {
        // R_MEM_10: the demo member, with fictional data, in a household of three.
        RegisterInput demo;
        demo.market = "dk";
        demo.national_id = "0101801234";
        demo.first_name = "Demo";
        demo.last_name = "Andelsen";
        demo.contact = {std::string("demo@example.org"), std::string("+4520000000"), "Demovej 1", "5000",
                        "Odense"};
        demo.home_store_code = "dk-odense-1";
        demo.share_paid_minor = markets.at("dk").share_minor;
        demo.terms_version = "2026-1";
        demo.is_demo = true;
        demo.member_number = kDemoMemberNumber;
        auto r = membership.Register(demo, "demo");
        if (!r) throw std::runtime_error("demo member: " + r.error().detail);
        const char* names[][2] = {{"0202821234", "Dorthe"}, {"0303084234", "Dennis"}};
        for (const auto& [nid, first] : names) {
            RegisterInput p;
            p.national_id = nid;
            p.first_name = first;
            p.last_name = "Andelsen";
            p.contact = {std::nullopt, std::nullopt, "Demovej 1", "5000", "Odense"};
            auto added = membership.AddParticipant(kDemoMemberNumber, {std::nullopt, p}, "demo");
            if (!added) throw std::runtime_error("demo household: " + added.error().detail);
        }
    }

    GenerateOptions options;
    options.members = 1000;
    options.seed = 20261123;
    GenerateMembers(db, markets, national_id_key, clock, options);

    SeedDemoPartners(db, markets, clock);
    store::Transaction tx(db);
    DemoKey(tx.conn(), kDemoBackOfficeToken, "backoffice", std::nullopt, "demo back office", now);
    const std::pair<const char*, const char*> tills[] = {
        {kDemoTillToken, "dk-odense-1"}, {kDemoTillTokenNo, "no-bergen-1"}, {kDemoTillTokenSe, "se-umea-1"}};
    for (const auto& [token, code] : tills) {
        auto till_store = store::MembershipRepository(tx.conn()).FindStoreByCode(code);
        if (till_store)
            DemoKey(tx.conn(), token, "till", till_store->id, std::string("demo till, ") + code, now);
    }
    // Self-scanning (R_SCAN_1) in the demo tills' stores.
    tx.conn().Execute(
        "UPDATE stores SET self_scan = 1 WHERE code IN ('dk-odense-1', 'no-bergen-1', 'se-umea-1')");
    if (auto odense = store::MembershipRepository(tx.conn()).FindStoreByCode("dk-odense-1"))
        DemoKey(tx.conn(), kDemoKioskToken, "price_checker", odense->id, "demo price checker, dk-odense-1",
                now);
    const std::pair<const char*, const char*> partner_keys[] = {{kDemoPartnerToken, "dk-synoptik"},
                                                                {kDemoTravelPartnerToken, "dk-tui"}};
    for (const auto& [token, code] : partner_keys) {
        if (auto p = store::PartnerRepository(tx.conn()).FindPartnerByCode(code)) {
            DemoKey(tx.conn(), token, "partner", std::nullopt, std::string("demo partner, ") + code, now);
            tx.conn().Execute("UPDATE api_keys SET partner_id = $1 WHERE key_id = $2",
                              {store::Int(p->id), store::Text(std::string(token).substr(6, 16))});
        }
    }
    if (auto se = markets.find("se"); se != markets.end()) {
        // The points shop (R_BON_5): the bonus voucher of the market's configuration and a partner reward.
        store::PointsShopRepository shop(tx.conn());
        (void)shop.InsertReward({0, "se", "se-vardecheck-200", "Värdecheck 200 kr", "voucher",
                                 se->second.voucher_points, se->second.voucher_value_minor, true, now});
        (void)shop.InsertReward(
            {0, "se", "se-partner-biobiljett", "Biobiljett hos partner", "partner", 12000, 13000, true, now});
    }
    tx.Commit();
}

namespace {

struct DemoPerson {
    const char* market;
    const char* national_id;
    const char* first;
    const char* last;
    const char* email;
    const char* phone;
    const char* store;
    const char* street;
    const char* postal;
    const char* city;
    const char* kind = "member";
};

// Registers each person (once) and gives them the demo password; with a mobile for the SMS code.
void SeedPeople(store::Database& db, auth::AuthService& auth,
                const std::map<std::string, core::MarketRules>& markets, const std::string& national_id_key,
                const core::Clock& clock, std::span<const DemoPerson> people) {
    MembershipService membership(db, clock, markets, national_id_key);
    for (const auto& p : people) {
        if (!markets.contains(p.market)) continue;
        {
            auto c = db.Read();
            if (store::AccountRepository(*c).FindMemberIdByLogin({}, p.email, {})) continue;
        }
        RegisterInput in;
        in.market = p.market;
        in.national_id = p.national_id;
        in.first_name = p.first;
        in.last_name = p.last;
        in.contact = {std::string(p.email), std::string(p.phone), p.street, p.postal, p.city};
        in.home_store_code = p.store;
        in.kind = p.kind;
        in.share_paid_minor = in.kind == "profile" ? 0 : markets.at(p.market).share_minor;
        in.terms_version = "2026-1";
        auto r = membership.Register(in, "demo");
        if (!r) throw std::runtime_error(std::string("demo login ") + p.email + ": " + r.error().detail);
    }
    auto must = [](const auto& r, const char* what) {
        if (!r) throw std::runtime_error(std::string("demo login ") + what + ": " + r.error().detail);
    };
    for (const auto& p : people) {
        if (!markets.contains(p.market)) continue;
        std::optional<std::string> number;
        {
            auto c = db.Read();
            auto id = store::AccountRepository(*c).FindMemberIdByLogin({}, p.email, {});
            if (auto m = id ? store::AccountRepository(*c).FindMemberLogin(*id) : std::nullopt)
                number = m->member_number ? m->member_number : std::optional<std::string>(p.email);
        }
        if (number) must(auth.SeedMemberPassword(*number, kDemoPersonPassword), p.email);
    }
}

}  // namespace

void SeedDemoLogins(store::Database& db, auth::AuthService& auth,
                    const std::map<std::string, core::MarketRules>& markets,
                    const std::string& national_id_key, const core::Clock& clock) {
    static const DemoPerson people[] = {
        {"dk", "0505901234", "Anna", "Jensen", kDemoAnnaEmail, "+4520000001", "dk-odense-1", "Demovej 2",
         "5000", "Odense"},
        {"no", "15038510190", "Nora", "Nordmann", kDemoNoraEmail, "+4790000001", "no-bergen-1", "Demoveien 1",
         "5003", "Bergen"},
    };
    SeedPeople(db, auth, markets, national_id_key, clock, people);
    auto must = [](const auto& r, const char* what) {
        if (!r) throw std::runtime_error(std::string("demo login ") + what + ": " + r.error().detail);
    };
    if (markets.contains("dk"))
        must(auth.SeedMemberPassword(kDemoMemberNumber, kDemoMemberPassword), "33216744");
    must(auth.SeedStaffAccount(kDemoAdminEmail, "Demo Admin", auth::kRoleAdmin, kDemoStaffPassword), "admin");
    must(auth.SeedStaffAccount(kDemoAgentEmail, "Demo Service", auth::kRoleServiceAgent, kDemoStaffPassword),
         "service agent");
}

void SeedDemoHouseholdLogins(store::Database& db, auth::AuthService& auth,
                             const std::map<std::string, core::MarketRules>& markets,
                             const std::string& national_id_key, const core::Clock& clock) {
    static const DemoPerson people[] = {
        {"se", "197506151237", "Sven", "Svensson", kDemoSvenEmail, "+46700000001", "se-umea-1", "Demogatan 1",
         "90326", "Umeå"},
        {"dk", "0606921234", "Peter", "Profil", kDemoPeterEmail, "+4520000002", "dk-odense-1", "Demovej 4",
         "5000", "Odense", "profile"},
    };
    SeedPeople(db, auth, markets, national_id_key, clock, people);
}

}  // namespace andel::app
