#include "app/offers/offer_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "app/crypto.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/catalogue/ean.hpp"
#include "core/ledger/earning.hpp"
#include "store/catalogue/catalogue_repository.hpp"
#include "store/ledger/receipt_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::OfferKind;
using core::Result;
using nlohmann::json;

constexpr int64_t kMaxAmount = 1'000'000'000;  // 10 million in major units
constexpr int64_t kMaxLineAmount = 100'000'000'000;

json SegmentJson(const OfferSegment& s) {
    json j = json::object();
    if (!s.cooperatives.empty()) j["cooperatives"] = s.cooperatives;
    if (!s.home_stores.empty()) j["home_stores"] = s.home_stores;
    auto opt = [&](const char* k, const std::optional<int64_t>& v) {
        if (v) j[k] = *v;
    };
    opt("household_size_min", s.household_size_min);
    opt("household_size_max", s.household_size_max);
    opt("age_min", s.age_min);
    opt("age_max", s.age_max);
    opt("min_receipts_90d", s.min_receipts_90d);
    return j;
}

OfferSegment SegmentFrom(const std::string& text) {
    OfferSegment s;
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return s;
    if (j.contains("cooperatives")) s.cooperatives = j["cooperatives"].get<std::vector<std::string>>();
    if (j.contains("home_stores")) s.home_stores = j["home_stores"].get<std::vector<std::string>>();
    auto opt = [&](const char* k, std::optional<int64_t>& v) {
        if (j.contains(k)) v = j[k].get<int64_t>();
    };
    opt("household_size_min", s.household_size_min);
    opt("household_size_max", s.household_size_max);
    opt("age_min", s.age_min);
    opt("age_max", s.age_max);
    opt("min_receipts_90d", s.min_receipts_90d);
    return s;
}

json ParamsJson(const OfferInput& in) {
    return {{"member_price_minor", in.member_price_minor},
            {"percent_bp", in.percent_bp},
            {"amount_minor", in.amount_minor},
            {"buy_quantity", in.buy_quantity},
            {"pay_quantity", in.pay_quantity},
            {"bundle_price_minor", in.bundle_price_minor},
            {"bonus_bp", in.bonus_bp},
            {"points_per_unit", in.points_per_unit},
            {"points", in.points},
            {"min_spend_minor", in.min_spend_minor}};
}

// The facts about a member that audiences and segments are decided on.
struct MemberFacts {
    int64_t id = 0;
    std::string kind, status, market;
    std::optional<std::string> member_number, cooperative, home_store;
    std::optional<int64_t> household_id;
    int64_t household_size = 0;
    std::optional<int> age;
};

std::optional<MemberFacts> LoadFacts(store::Connection& c, int64_t member_id, const std::string& today) {
    auto r = c.QueryOne(
        "SELECT m.id, m.kind, m.status, m.market, m.member_number, co.code, s.code, hm.household_id, "
        "p.birth_date "
        "FROM members m JOIN persons p ON p.id = m.person_id LEFT JOIN cooperatives co ON co.id = "
        "m.cooperative_id "
        "LEFT JOIN stores s ON s.id = m.home_store_id LEFT JOIN household_members hm ON hm.member_id = m.id "
        "WHERE m.id = $1",
        {store::Int(member_id)});
    if (!r) return std::nullopt;
    MemberFacts f;
    f.id = r->Int(0);
    f.kind = r->Text(1);
    f.status = r->Text(2);
    f.market = r->Text(3);
    f.member_number = r->OptText(4);
    f.cooperative = r->OptText(5);
    f.home_store = r->OptText(6);
    f.household_id = r->OptInt(7);
    if (f.household_id)
        f.household_size = c.QueryOne("SELECT COUNT(*) FROM household_members WHERE household_id = $1",
                                      {store::Int(*f.household_id)})
                               ->Int(0);
    core::Date birth, on;
    if (r->OptText(8) && core::ParseDate(r->Text(8), birth) && core::ParseDate(today, on))
        f.age = core::AgeOn(birth, on);
    return f;
}

bool InSegment(store::Connection& c, const OfferSegment& s, const MemberFacts& m, int64_t now) {
    auto has = [](const std::vector<std::string>& list, const std::optional<std::string>& v) {
        return list.empty() || (v && std::find(list.begin(), list.end(), *v) != list.end());
    };
    if (!has(s.cooperatives, m.cooperative) || !has(s.home_stores, m.home_store)) return false;
    if (s.household_size_min && m.household_size < *s.household_size_min) return false;
    if (s.household_size_max && m.household_size > *s.household_size_max) return false;
    if ((s.age_min || s.age_max) && !m.age) return false;
    if (s.age_min && *m.age < *s.age_min) return false;
    if (s.age_max && *m.age > *s.age_max) return false;
    if (s.min_receipts_90d) {
        int64_t since = now - int64_t{90} * 24 * 3600 * 1000;
        int64_t n = c.QueryOne(
                         "SELECT COUNT(*) FROM receipts WHERE member_id = $1 AND occurred_at >= $2 AND "
                         "total_minor > 0",
                         {store::Int(m.id), store::Int(since)})
                        ->Int(0);
        if (n < *s.min_receipts_90d) return false;
    }
    return true;
}

// Whether an offer in force is for this member at all (audience, R_MEM_1).
bool ForThem(store::Connection& c, const OfferView& o, const MemberFacts& m,
             const std::set<int64_t>& assigned, int64_t now) {
    if (m.status != "active" || m.market != o.record.market) return false;
    if (o.record.members_only && m.kind != "member") return false;
    if (o.record.audience == "personal") return assigned.count(o.record.id) > 0;
    if (o.record.audience == "segment") return InSegment(c, o.segment, m, now);
    return true;
}

std::optional<int64_t> UsesLeft(const OfferView& o, const std::map<int64_t, int64_t>& uses) {
    if (!o.record.limit_per_member) return std::nullopt;
    auto it = uses.find(o.record.id);
    return std::max<int64_t>(0, *o.record.limit_per_member - (it == uses.end() ? 0 : it->second));
}

bool TotalLeft(const OfferView& o) {
    return !o.record.limit_total || o.record.redeemed < *o.record.limit_total;
}

// The member's offers in force, each with whether it is activated and how many uses are left; offers used
// up (by the member or in all) are left out.
std::vector<MemberOffer> OffersFor(store::Connection& c, const MemberFacts& m, const std::string& today,
                                   int64_t now) {
    store::OfferRepository repo(c);
    auto assigned = repo.AssignedTo(m.id);
    auto activated = repo.ActivatedBy(m.id);
    auto uses = repo.UsesBy(m.id);
    std::vector<MemberOffer> out;
    for (const auto& r : repo.Current(m.market, today)) {
        auto view = ViewOf(r, today);
        if (!ForThem(c, view, m, assigned, now) || !TotalLeft(view)) continue;
        auto left = UsesLeft(view, uses);
        if (left && *left == 0) continue;
        out.push_back({view, !r.requires_activation || activated.count(r.id) > 0, left});
    }
    return out;
}

}  // namespace

OfferView ViewOf(const store::OfferRecord& r, const std::string& today) {
    OfferView v;
    v.record = r;
    v.segment = SegmentFrom(r.segment_json);
    v.state = r.status == "paused"   ? "paused"
              : today < r.valid_from ? "scheduled"
              : today > r.valid_to   ? "ended"
                                     : "active";
    auto& p = v.priced;
    p.id = r.id;
    p.code = r.code;
    p.kind = core::OfferKindFromName(r.kind).value_or(OfferKind::kPercentOff);
    p.target = r.target_kind == "products"   ? core::OfferTarget::kProducts
               : r.target_kind == "category" ? core::OfferTarget::kCategory
                                             : core::OfferTarget::kBasket;
    if (p.target == core::OfferTarget::kProducts) {
        json eans = json::parse(r.target, nullptr, false);
        if (eans.is_array())
            for (const auto& e : eans) p.eans.push_back(e.get<std::string>());
    } else if (p.target == core::OfferTarget::kCategory) {
        p.category = r.target;
    }
    json j = json::parse(r.params_json, nullptr, false);
    auto get = [&](const char* k) {
        return j.is_object() && j.contains(k) ? j[k].get<int64_t>() : int64_t{0};
    };
    p.member_price_minor = get("member_price_minor");
    p.percent_bp = get("percent_bp");
    p.amount_minor = get("amount_minor");
    p.buy_quantity = get("buy_quantity");
    p.pay_quantity = get("pay_quantity");
    p.bundle_price_minor = get("bundle_price_minor");
    p.bonus_bp = get("bonus_bp");
    p.points_per_unit = get("points_per_unit");
    p.points = get("points");
    p.min_spend_minor = get("min_spend_minor");
    p.per_receipt = r.limit_per_receipt;
    return v;
}

std::string OfferService::Today(const std::string& market) const {
    auto it = markets_.find(market);
    return core::FormatDate(it == markets_.end() ? core::UtcDate(clock_.Now())
                                                 : LocalDate(it->second.time_zone, clock_.Now()));
}

Result<OfferView> OfferService::Validate(const OfferInput& in, store::Connection& c) const {
    auto market = markets_.find(in.market);
    if (market == markets_.end())
        return Error::Invalid("no market " + in.market + " is configured", "market");
    const bool points_market = market->second.reward == core::RewardKind::kPoints;
    if (in.code.empty() || in.code.size() > 64 || core::CategorySlug(in.code) != in.code)
        return Error::Invalid("a code is 1-64 lower-case letters, digits and '-'", "code");
    if (in.title.empty() || in.title.size() > 100)
        return Error::Invalid("a title of 1-100 characters", "title");
    if (in.description.size() > 1000) return Error::Invalid("at most 1000 characters", "description");
    auto kind = core::OfferKindFromName(in.kind);
    if (!kind)
        return Error::Invalid(
            "kind is member_price, percent_off, amount_off, multi_buy, extra_bonus, extra_points or "
            "points_bonus",
            "kind");
    store::OfferRecord r;
    r.code = in.code;
    r.market = in.market;
    r.title = in.title;
    r.description = in.description;
    r.kind = in.kind;
    r.target_kind = in.target_kind;
    if (in.target_kind == "products") {
        if (in.eans.empty() || in.eans.size() > 500) return Error::Invalid("1 to 500 EANs", "eans");
        std::vector<std::string> eans;
        for (const auto& e : in.eans) {
            auto n = core::NormaliseEan(e);
            if (!n) return Error::Invalid("not a valid EAN/GTIN: " + e, "eans");
            eans.push_back(*n);
        }
        std::sort(eans.begin(), eans.end());
        eans.erase(std::unique(eans.begin(), eans.end()), eans.end());
        r.target = json(eans).dump();
    } else if (in.target_kind == "category") {
        bool known = false;
        for (const auto& cat : store::CatalogueRepository(c).ListCategories(in.market))
            known |= cat.code == in.category;
        if (!known)
            return Error::Invalid("no category " + in.category + " in the catalogue of " + in.market,
                                  "category");
        r.target = in.category;
    } else if (in.target_kind == "basket") {
        if (*kind == OfferKind::kMemberPrice || *kind == OfferKind::kMultiBuy)
            return Error::Invalid("a member price or multi-buy is on products or a category", "target_kind");
    } else {
        return Error::Invalid("target_kind is products, category or basket", "target_kind");
    }
    auto range = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
    switch (*kind) {
        case OfferKind::kMemberPrice:
            if (!range(in.member_price_minor, 0, kMaxAmount))
                return Error::Invalid("0 to 10^9", "member_price_minor");
            break;
        case OfferKind::kPercentOff:
            if (!range(in.percent_bp, 1, 10'000))
                return Error::Invalid("1 to 10000 basis points", "percent_bp");
            break;
        case OfferKind::kAmountOff:
            if (!range(in.amount_minor, 1, kMaxAmount)) return Error::Invalid("1 to 10^9", "amount_minor");
            break;
        case OfferKind::kMultiBuy:
            if (!range(in.buy_quantity, 2, 100)) return Error::Invalid("2 to 100 units", "buy_quantity");
            if ((in.pay_quantity > 0) == (in.bundle_price_minor > 0))
                return Error::Invalid(
                    "a multi-buy has either pay_quantity (3 for 2) or bundle_price_minor (2 for 50)",
                    "pay_quantity");
            if (in.pay_quantity > 0 && !range(in.pay_quantity, 1, in.buy_quantity - 1))
                return Error::Invalid("1 to buy_quantity - 1", "pay_quantity");
            if (in.bundle_price_minor > kMaxAmount) return Error::Invalid("1 to 10^9", "bundle_price_minor");
            break;
        case OfferKind::kExtraBonus:
            if (points_market) return Error::Invalid("this market earns points: use extra_points", "kind");
            if (!range(in.bonus_bp, 1, 10'000)) return Error::Invalid("1 to 10000 basis points", "bonus_bp");
            break;
        case OfferKind::kExtraPoints:
            if (!points_market)
                return Error::Invalid("this market earns bonus in money: use extra_bonus", "kind");
            if (!range(in.points_per_unit, 1, 100))
                return Error::Invalid("1 to 100 points", "points_per_unit");
            break;
        case OfferKind::kPointsBonus:
            if (!points_market)
                return Error::Invalid("this market earns bonus in money: use extra_bonus", "kind");
            if (!range(in.points, 1, 1'000'000)) return Error::Invalid("1 to 10^6 points", "points");
            break;
    }
    if (!range(in.min_spend_minor, 0, kMaxAmount)) return Error::Invalid("0 to 10^9", "min_spend_minor");
    r.params_json = ParamsJson(in).dump();
    if (in.audience != "all" && in.audience != "segment" && in.audience != "personal")
        return Error::Invalid("audience is all, segment or personal", "audience");
    r.audience = in.audience;
    const auto& s = in.segment;
    bool any_rule = !s.cooperatives.empty() || !s.home_stores.empty() || s.household_size_min ||
                    s.household_size_max || s.age_min || s.age_max || s.min_receipts_90d;
    if (in.audience == "segment" && !any_rule)
        return Error::Invalid("a segment needs at least one rule", "segment");
    if (in.audience != "segment" && any_rule)
        return Error::Invalid("only a segment offer has rules", "segment");
    for (const auto& v :
         {s.household_size_min, s.household_size_max, s.age_min, s.age_max, s.min_receipts_90d})
        if (v && !range(*v, 0, 1000)) return Error::Invalid("segment numbers are 0 to 1000", "segment");
    r.segment_json = SegmentJson(s).dump();
    r.members_only = in.members_only;
    r.requires_activation = in.requires_activation;
    core::Date from, to;
    if (!core::ParseDate(in.valid_from, from)) return Error::Invalid("a date YYYY-MM-DD", "valid_from");
    if (!core::ParseDate(in.valid_to, to)) return Error::Invalid("a date YYYY-MM-DD", "valid_to");
    if (in.valid_to < in.valid_from) return Error::Invalid("the offer ends before it begins", "valid_to");
    if (std::chrono::sys_days(to) - std::chrono::sys_days(from) > std::chrono::days(366))
        return Error::Invalid("an offer runs at most a year", "valid_to");
    r.valid_from = in.valid_from;
    r.valid_to = in.valid_to;
    for (const auto& [v, name] :
         {std::pair{in.limit_per_member, "limit_per_member"},
          std::pair{in.limit_per_receipt, "limit_per_receipt"}, std::pair{in.limit_total, "limit_total"}})
        if (v && !range(*v, 1, 100'000'000)) return Error::Invalid("a limit is 1 to 10^8", name);
    r.limit_per_member = in.limit_per_member;
    r.limit_per_receipt = in.limit_per_receipt;
    r.limit_total = in.limit_total;
    return ViewOf(r, Today(in.market));
}

Result<OfferView> OfferService::Create(const OfferInput& in, const std::string& actor) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<OfferView> {
        auto v = Validate(in, c);
        if (!v) return v.error();
        store::OfferRepository repo(c);
        if (repo.Find(in.code)) return Error::Conflict("an offer with code " + in.code + " exists");
        auto r = v->record;
        r.status = "active";
        r.created_at = r.updated_at = core::ToMillis(clock_.Now());
        r.created_by = actor;
        r.id = repo.Insert(r);
        return ViewOf(r, Today(r.market));
    });
}

Result<OfferView> OfferService::Update(const std::string& code, const OfferInput& in_given,
                                       const std::string& actor) {
    (void)actor;
    return InTransaction(db_, [&](store::Connection& c) -> Result<OfferView> {
        store::OfferRepository repo(c);
        auto old = repo.Find(code);
        if (!old) return Error::NotFound("no offer " + code);
        OfferInput in = in_given;
        in.code = old->code;
        in.market = old->market;
        auto v = Validate(in, c);
        if (!v) return v.error();
        auto r = v->record;
        if (old->redeemed > 0 &&
            (r.kind != old->kind || r.target_kind != old->target_kind || r.target != old->target))
            return Error::Conflict("the offer was redeemed: its kind and target stay; make a new offer");
        r.id = old->id;
        r.status = old->status;
        r.redeemed = old->redeemed;
        r.created_at = old->created_at;
        r.created_by = old->created_by;
        r.updated_at = core::ToMillis(clock_.Now());
        repo.Update(r);
        return ViewOf(r, Today(r.market));
    });
}

Result<OfferView> OfferService::SetStatus(const std::string& code, const std::string& status,
                                          const std::string& actor) {
    (void)actor;
    if (status != "active" && status != "paused")
        return Error::Invalid("status is active or paused", "status");
    return InTransaction(db_, [&](store::Connection& c) -> Result<OfferView> {
        store::OfferRepository repo(c);
        auto r = repo.Find(code);
        if (!r) return Error::NotFound("no offer " + code);
        r->status = status;
        r->updated_at = core::ToMillis(clock_.Now());
        repo.Update(*r);
        return ViewOf(*r, Today(r->market));
    });
}

Result<OfferView> OfferService::Get(const std::string& code) {
    auto c = db_.Read();
    auto r = store::OfferRepository(*c).Find(code);
    if (!r) return Error::NotFound("no offer " + code);
    return ViewOf(*r, Today(r->market));
}

Result<std::vector<OfferView>> OfferService::List(const std::string& market) {
    if (!market.empty() && !markets_.count(market)) return Error::Invalid("no market " + market, "market");
    auto c = db_.Read();
    std::vector<OfferView> out;
    for (const auto& r : store::OfferRepository(*c).List(market)) out.push_back(ViewOf(r, Today(r.market)));
    return out;
}

Result<OfferReport> OfferService::Report(const std::string& code) {
    auto c = db_.Read();
    store::OfferRepository repo(*c);
    auto r = repo.Find(code);
    if (!r) return Error::NotFound("no offer " + code);
    return OfferReport{ViewOf(*r, Today(r->market)), repo.Report(r->id)};
}

Result<int64_t> OfferService::Assign(const std::string& code, const std::vector<std::string>& member_numbers,
                                     const std::string& actor) {
    (void)actor;
    if (member_numbers.empty() || member_numbers.size() > 10'000)
        return Error::Invalid("1 to 10 000 member numbers", "member_numbers");
    return InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        store::OfferRepository repo(c);
        auto r = repo.Find(code);
        if (!r) return Error::NotFound("no offer " + code);
        if (r->audience != "personal")
            return Error::Invalid("only a personal offer is assigned to members", "audience");
        store::MembershipRepository members(c);
        const int64_t now = core::ToMillis(clock_.Now());
        int64_t added = 0;
        for (const auto& n : member_numbers) {
            auto m = members.FindMemberByNumber(n);
            if (!m || m->market != r->market)
                return Error::Invalid("no member " + n + " in " + r->market, "member_numbers");
            added += repo.Assign(r->id, m->id, "backoffice", now) ? 1 : 0;
        }
        return added;
    });
}

Result<std::vector<MemberOffer>> OfferService::ForMember(int64_t member_id) {
    auto c = db_.Read();
    auto market = c->QueryOne("SELECT market FROM members WHERE id = $1", {store::Int(member_id)});
    if (!market) return Error::NotFound("no such member");
    const std::string today = Today(market->Text(0));
    auto facts = LoadFacts(*c, member_id, today);
    if (!facts || facts->status != "active") return Error::NotFound("no active membership");
    return OffersFor(*c, *facts, today, core::ToMillis(clock_.Now()));
}

Result<MemberOffer> OfferService::Activate(int64_t member_id, const std::string& code,
                                           const std::string& channel) {
    static const std::set<std::string> kChannels = {"app", "web", "price_checker", "backoffice"};
    if (!kChannels.count(channel))
        return Error::Invalid("channel is app, web, price_checker or backoffice", "channel");
    return InTransaction(db_, [&](store::Connection& c) -> Result<MemberOffer> {
        store::OfferRepository repo(c);
        auto r = repo.Find(code);
        if (!r) return Error::NotFound("no offer " + code);
        const std::string today = Today(r->market);
        auto facts = LoadFacts(c, member_id, today);
        if (!facts || facts->status != "active") return Error::NotFound("no active membership");
        if (channel == "price_checker" && facts->kind != "member")
            return Error::Rule("R_OFF_2",
                               "only members can use the price checker; a customer with a profile cannot");
        auto view = ViewOf(*r, today);
        if (r->members_only && facts->kind != "member")
            return Error::Rule("R_MEM_1", "this offer is for members; become a member to use it");
        // An offer that is not for this member, or not in force, is not theirs to see.
        auto mine = OffersFor(c, *facts, today, core::ToMillis(clock_.Now()));
        auto it =
            std::find_if(mine.begin(), mine.end(), [&](const auto& o) { return o.offer.record.id == r->id; });
        if (it == mine.end()) {
            if (view.state != "active") return Error::Invalid("the offer is " + view.state, "code");
            return Error::NotFound("no offer " + code + " for this member");
        }
        if (r->requires_activation) repo.Activate(r->id, member_id, channel, core::ToMillis(clock_.Now()));
        it->activated = true;
        return *it;
    });
}

Result<std::pair<std::string, std::string>> OfferService::StoreOf(int64_t store_id) {
    auto c = db_.Read();
    auto st = c->QueryOne(
        "SELECT co.market, s.code FROM stores s JOIN cooperatives co ON co.id = s.cooperative_id WHERE s.id "
        "= $1",
        {store::Int(store_id)});
    if (!st) return Error::NotFound("no such store");
    return std::pair{st->Text(0), st->Text(1)};
}

Result<OfferService::ProductCampaigns> OfferService::CampaignsOn(int64_t store_id,
                                                                 const store::ProductRecord& product) {
    auto where = StoreOf(store_id);
    if (!where) return where.error();
    const std::string today = Today(where->first);
    auto c = db_.Read();
    store::CatalogueRepository catalogue(*c);
    core::BasketLine line;
    line.sku = product.ean;
    line.weighed = product.weighed;
    line.quantity = product.weighed ? 1000 : 1;
    line.amount_minor = product.unit_price_minor;
    std::map<int64_t, store::CategoryRecord> categories;
    for (auto& cat : catalogue.ListCategories(where->first)) categories.emplace(cat.id, std::move(cat));
    for (std::optional<int64_t> id = product.category_id; id;) {
        auto cat = categories.find(*id);
        if (cat == categories.end()) break;
        line.categories.push_back(cat->second.code);
        id = cat->second.parent_id;
    }
    ProductCampaigns out;
    std::vector<core::PricedOffer> priced;
    for (const auto& r : store::OfferRepository(*c).Current(where->first, today)) {
        if (r.audience != "all" || r.target_kind == "basket") continue;
        auto v = ViewOf(r, today);
        if (!TotalLeft(v)) continue;
        auto alone = core::PriceBasket({line}, {v.priced});
        if (alone.used.empty()) continue;  // not on this product
        out.offers.push_back(v);
        if (core::IsPriceOffer(v.priced.kind)) priced.push_back(v.priced);
    }
    auto best = core::PriceBasket({line}, priced);
    if (best.discount_minor > 0) out.member_price_minor = product.unit_price_minor - best.discount_minor;
    return out;
}

Result<Quote> OfferService::Price(int64_t store_id, const BasketInput& in) {
    if (in.lines.empty() || in.lines.size() > kMaxLines)
        return Error::Malformed("a basket has 1 to 10 000 lines", "lines");
    for (size_t i = 0; i < in.lines.size(); ++i) {
        const auto& l = in.lines[i];
        std::string at = "lines[" + std::to_string(i) + "].";
        if (l.sku.empty() || l.sku.size() > 64) return Error::Invalid("a sku of 1-64 characters", at + "sku");
        if (l.quantity < 1 || l.quantity > 1'000'000)
            return Error::Invalid("a quantity of 1 to 10^6 (returns are not priced)", at + "quantity");
        if (l.amount_minor < 0 || l.amount_minor > kMaxLineAmount)
            return Error::Invalid("an amount of 0 to 10^11", at + "amount_minor");
    }
    std::optional<store::ConnectionLease> lease;
    lease.emplace(db_.Read());
    auto& c = *lease;
    auto store_market = store::MembershipRepository(*c).StoreMarket(store_id);
    if (!store_market) return Error::NotFound("no such store");
    const std::string market = *store_market;
    auto rules = markets_.find(market);
    if (rules == markets_.end()) return Error::Invalid("the store's market is not configured", "store");
    const std::string today = Today(market);
    const int64_t now = core::ToMillis(clock_.Now());

    Quote q;
    q.currency = rules->second.currency;
    std::optional<MemberFacts> member;
    if (in.card || in.member_number) {
        store::MembershipRepository members(*c);
        using By = store::MembershipRepository::IdentifyBy;
        auto earner = in.card ? members.FindEarner(By::kCard, *in.card)
                              : members.FindEarner(By::kMemberNumber, *in.member_number);
        if (!earner)
            return Error::NotFound(in.card ? "no active card with that number"
                                           : "no member with that number");
        member = LoadFacts(*c, earner->id, today);
        if (member && member->status != "active") member.reset();
    }

    // The lines with their catalogue categories (and those above), so a category offer reaches them.
    std::vector<std::string> eans;
    for (const auto& l : in.lines)
        if (auto n = core::NormaliseEan(l.sku)) eans.push_back(*n);
    store::CatalogueRepository catalogue(*c);
    std::map<std::string, store::ProductRecord> products;
    if (!eans.empty())
        for (auto& p : catalogue.FindProducts(market, eans)) products.emplace(p.ean, std::move(p));
    std::map<int64_t, store::CategoryRecord> categories;
    if (!products.empty())
        for (auto& cat : catalogue.ListCategories(market)) categories.emplace(cat.id, std::move(cat));
    std::vector<core::BasketLine> lines;
    for (const auto& l : in.lines) {
        core::BasketLine b;
        b.sku = core::NormaliseEan(l.sku).value_or(l.sku);
        b.quantity = l.quantity;
        b.amount_minor = l.amount_minor;
        if (!l.category.empty()) b.categories.push_back(l.category);
        if (auto p = products.find(b.sku); p != products.end()) {
            b.weighed = p->second.weighed;
            for (std::optional<int64_t> id = p->second.category_id; id;) {
                auto cat = categories.find(*id);
                if (cat == categories.end()) break;
                b.categories.push_back(cat->second.code);
                id = cat->second.parent_id;
            }
        }
        lines.push_back(std::move(b));
    }

    std::vector<core::PricedOffer> offers;
    std::vector<OfferView> views;
    if (member && member->market == market) {
        q.member_number = member->member_number;
        for (auto& o : OffersFor(*c, *member, today, now)) {
            if (!o.activated) continue;
            offers.push_back(o.offer.priced);
            views.push_back(o.offer);
        }
    }
    q.priced = core::PriceBasket(lines, offers);
    for (const auto& u : q.priced.used)
        for (const auto& v : views)
            if (v.record.id == u.offer_id) q.used.push_back(v);

    // What it earns, paid by card: the programme's rules on the discounted lines, plus the offers' extra.
    if (member) {
        std::vector<core::ReceiptLine> receipt_lines;
        int64_t net = 0;
        for (size_t i = 0; i < in.lines.size(); ++i) {
            receipt_lines.push_back({in.lines[i].sku, in.lines[i].category, in.lines[i].quantity,
                                     in.lines[i].amount_minor, q.priced.lines[i].discount_minor});
            net += in.lines[i].amount_minor - q.priced.lines[i].discount_minor;
        }
        core::EarningContext ctx;
        ctx.profile_customer = member->kind == "profile";
        ctx.own_cooperative = true;
        if (member->household_id)
            ctx.household_month_spend_before_minor =
                store::ReceiptRepository(*c)
                    .MonthSpend(*member->household_id, LocalMonth(rules->second.time_zone, clock_.Now()))
                    .first;
        if (auto e = core::ComputeEarning(receipt_lines, {{"card", net}}, rules->second, ctx)) {
            q.bonus_minor = (ctx.profile_customer ? e->savings_minor : e->bonus_minor);
            q.points = e->points;
        }
        q.bonus_minor += q.priced.bonus_minor;
        q.points += q.priced.points;
    }

    // The quote the receipt will name, for an identified member: sealed, written nowhere.
    if (member) {
        json used = json::array();
        for (const auto& u : q.priced.used)
            used.push_back({u.offer_id, u.units, u.discount_minor, u.bonus_minor, u.points});
        q.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(kQuoteTtl).count();
        json payload = {{"s", store_id},
                        {"m", member->id},
                        {"c", now},
                        {"e", q.expires_at},
                        {"t", q.priced.total_minor},
                        {"d", q.priced.discount_minor},
                        {"b", q.priced.bonus_minor},
                        {"p", q.priced.points},
                        {"u", used}};
        q.quote_id = "q." + sealer_.Seal(payload.dump());
    }
    return q;
}

Result<store::QuoteRecord> OfferService::ClaimQuote(store::Connection& c, const std::string& quote_id,
                                                    int64_t store_id, std::optional<int64_t> member_id,
                                                    int64_t now) const {
    std::optional<std::string> opened;
    if (quote_id.starts_with("q.") && quote_id.size() <= kMaxQuoteBytes)
        opened = sealer_.Open(quote_id.substr(2));
    json p = opened ? json::parse(*opened, nullptr, false) : json();
    if (!p.is_object() || !p.contains("e") || !p["u"].is_array())
        return Error::Invalid("unknown quote: price the basket again", "quote_id");
    store::QuoteRecord q;
    q.quote_key = Sha256Hex(quote_id);
    q.store_id = p["s"].get<int64_t>();
    q.member_id = p["m"].get<int64_t>();
    q.created_at = p["c"].get<int64_t>();
    q.expires_at = p["e"].get<int64_t>();
    q.total_minor = p["t"].get<int64_t>();
    q.discount_minor = p["d"].get<int64_t>();
    q.bonus_minor = p["b"].get<int64_t>();
    q.points = p["p"].get<int64_t>();
    q.used_json = p["u"].dump();
    if (q.expires_at < now)
        return Error::Invalid("the quote has expired: price the basket again", "quote_id");
    if (q.store_id != store_id) return Error::Invalid("the quote is for another store", "quote_id");
    if (!member_id || *member_id != q.member_id)
        return Error::Invalid("the quote is for another customer", "quote_id");
    if (store::OfferRepository(c).FindQuote(q.quote_key))
        return Error::Conflict("the quote was redeemed by another receipt");
    return q;
}

void OfferService::RecordRedemptions(store::Connection& c, const store::QuoteRecord& q, int64_t receipt_id,
                                     int64_t now) {
    store::OfferRepository repo(c);
    json used = json::parse(q.used_json, nullptr, false);
    if (used.is_array())
        for (const auto& u : used) {
            int64_t offer_id = u[0].get<int64_t>();
            repo.InsertRedemption(offer_id, q.member_id, q.store_id, receipt_id, u[1].get<int64_t>(),
                                  u[2].get<int64_t>(), u[3].get<int64_t>(), u[4].get<int64_t>(), now);
            repo.CountRedemption(offer_id);
        }
    store::QuoteRecord redeemed = q;
    redeemed.receipt_id = receipt_id;
    repo.InsertQuote(redeemed);  // a concurrent receipt with the same quote fails here on the unique key
}

}  // namespace andel::app
