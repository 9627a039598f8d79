#include "app/partners/partner_service.hpp"

#include <algorithm>
#include <cctype>
#include <istream>
#include <nlohmann/json.hpp>

#include "app/crypto.hpp"
#include "app/jobs/job_lease.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/csv.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "store/ledger/ledger_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
namespace kind = core::account_kind;

constexpr int64_t kMaxAmount = 100'000'000'000;  // 1 000 000 000.00 in minor units
constexpr int kMaxLines = 100;
constexpr int kMaxSaleAgeDays = 365;  // a partner may report up to a year late
constexpr const char* kReleaseJob = "partner_release";

bool IsCode(std::string_view s, size_t max_len) {
    if (s.empty() || s.size() > max_len) return false;
    for (char ch : s)
        if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
              ch == '-' || ch == '_'))
            return false;
    return true;
}

// A partner's id for a sale or reversal: printable ASCII without separators that would confuse a file.
bool IsExternalId(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char ch : s)
        if (ch < 0x21 || ch > 0x7e || ch == ',' || ch == '"') return false;
    return true;
}

bool IsDate(const std::string& s) {
    core::Date d;
    return core::ParseDate(s, d);
}

bool IsUrl(const std::string& s) {
    return s.size() <= 500 && (s.starts_with("https://") || s.starts_with("http://")) && s.size() > 8;
}

core::AccountRef Acc(const char* k, const char* owner_kind, int64_t owner, const std::string& unit) {
    return {k, owner_kind, owner, unit};
}

int MonthOf(const std::string& date) {
    return std::stoi(date.substr(0, 4)) * 100 + std::stoi(date.substr(5, 2));
}

std::string SaleSource(int64_t partner_id, const std::string& sale_id) {
    return "partner:" + std::to_string(partner_id) + "/sale:" + sale_id;
}

std::string LinesJson(const std::vector<core::PricedPartnerLine>& lines) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& l : lines)
        j.push_back({l.category, l.amount_minor, l.rate_bp, l.agreement_id, l.bonus_minor});
    return j.dump();
}

std::vector<core::PricedPartnerLine> ParseLines(const std::string& json) {
    std::vector<core::PricedPartnerLine> out;
    for (const auto& l : nlohmann::json::parse(json))
        out.push_back({l.at(0).get<std::string>(), l.at(1).get<int64_t>(), l.at(2).get<int64_t>(),
                       l.at(3).get<int64_t>(), l.at(4).get<int64_t>()});
    return out;
}

bool PointsMarket(const core::MarketRules& rules) { return rules.reward == core::RewardKind::kPoints; }

}  // namespace

std::vector<PartnerCategory> DefaultPartnerCategories() {
    return {
        {"car_transport",
         {{"da", "Bil & transport"},
          {"nb", "Bil og transport"},
          {"sv", "Bil & transport"},
          {"en", "Car & transport"}}},
        {"holiday_hotel",
         {{"da", "Ferie & hotel"},
          {"nb", "Ferie og hotell"},
          {"sv", "Resor & hotell"},
          {"en", "Holiday & hotel"}}},
        {"home", {{"da", "Hjem"}, {"nb", "Hjem"}, {"sv", "Hem"}, {"en", "Home"}}},
        {"experiences",
         {{"da", "Oplevelser"}, {"nb", "Opplevelser"}, {"sv", "Upplevelser"}, {"en", "Experiences"}}},
    };
}

std::string PartnerService::Today(const core::MarketRules& rules) const {
    return core::FormatDate(LocalDate(rules.time_zone, clock_.Now()));
}

std::string PartnerService::CanonicalSale(const PartnerSaleInput& in) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : in.lines) lines.push_back({l.category, l.amount_minor});
    nlohmann::json j = {in.member_number, in.sale_date, in.currency, lines,
                        in.available_on ? nlohmann::json(*in.available_on) : nlohmann::json(nullptr)};
    return j.dump();
}

Result<void> PartnerService::CheckPartner(const PartnerInput& in, bool creating) const {
    if (creating) {
        if (!IsCode(in.code, 64)) return Error::Malformed("code is 1 to 64 of a-z, 0-9, '-' and '_'", "code");
        if (!markets_.contains(in.market)) return Error::Invalid("the market is not enabled here", "market");
    }
    if (in.name.empty() || in.name.size() > 100)
        return Error::Malformed("name is 1 to 100 characters", "name");
    if (std::none_of(categories_.begin(), categories_.end(),
                     [&](const auto& c) { return c.code == in.category; })) {
        std::string known;
        for (const auto& c : categories_) known += (known.empty() ? "" : ", ") + c.code;
        return Error::Rule("R_PART_2", "category is one of " + known);
    }
    if (in.description.size() > 2000)
        return Error::Malformed("description is at most 2 000 characters", "description");
    if (in.logo_url && !IsUrl(*in.logo_url))
        return Error::Malformed("logo_url is an http(s) URL", "logo_url");
    if (in.website_url && !IsUrl(*in.website_url))
        return Error::Malformed("website_url is an http(s) URL", "website_url");
    if (!in.sells_online && !in.sells_in_shop)
        return Error::Invalid("a partner sells online, in its shops, or both", "sells_online");
    if (!IsDate(in.active_from)) return Error::Malformed("active_from is a date YYYY-MM-DD", "active_from");
    if (in.active_to && (!IsDate(*in.active_to) || *in.active_to < in.active_from))
        return Error::Invalid("active_to is a date YYYY-MM-DD, not before active_from", "active_to");
    if (in.holding_days < 0 || in.holding_days > 730)
        return Error::Invalid("holding_days is 0 to 730", "holding_days");
    return core::Ok();
}

Result<store::PartnerRecord> PartnerService::Create(const PartnerInput& in, const std::string&) {
    ANDEL_TRY(CheckPartner(in, true));
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::PartnerRecord> {
        store::PartnerRepository repo(c);
        if (repo.FindPartnerByCode(in.code))
            return Error::Conflict("a partner with code " + in.code + " exists");
        store::PartnerRecord p{0,
                               in.code,
                               in.market,
                               in.name,
                               in.category,
                               in.description,
                               in.logo_url,
                               in.website_url,
                               in.sells_online,
                               in.sells_in_shop,
                               in.active_from,
                               in.active_to,
                               in.holding_days,
                               core::ToMillis(clock_.Now()),
                               0};
        p.updated_at = p.created_at;
        p.id = repo.InsertPartner(p);
        return p;
    });
}

Result<store::PartnerRecord> PartnerService::Update(const std::string& code, const PartnerInput& in,
                                                    const std::string&) {
    ANDEL_TRY(CheckPartner(in, false));
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::PartnerRecord> {
        store::PartnerRepository repo(c);
        auto p = repo.FindPartnerByCode(code);
        if (!p) return Error::NotFound("no partner with code " + code);
        p->name = in.name;
        p->category = in.category;
        p->description = in.description;
        p->logo_url = in.logo_url;
        p->website_url = in.website_url;
        p->sells_online = in.sells_online;
        p->sells_in_shop = in.sells_in_shop;
        p->active_from = in.active_from;
        p->active_to = in.active_to;
        p->holding_days = in.holding_days;  // applies to sales reported from now; booked ones keep their day
        p->updated_at = core::ToMillis(clock_.Now());
        repo.UpdatePartner(*p);
        return *p;
    });
}

Result<PartnerView> PartnerService::Get(const std::string& code) {
    auto c = db_.Read();
    store::PartnerRepository repo(*c);
    auto p = repo.FindPartnerByCode(code);
    if (!p) return Error::NotFound("no partner with code " + code);
    return PartnerView{*p, repo.Agreements(p->id)};
}

std::vector<PartnerView> PartnerService::List(const std::string& market, bool active_only) {
    auto c = db_.Read();
    store::PartnerRepository repo(*c);
    std::optional<std::string> today;
    if (active_only) {
        auto m = markets_.find(market);
        today = core::FormatDate(
            LocalDate(m != markets_.end() ? m->second.time_zone : std::string("UTC"), clock_.Now()));
    }
    std::vector<PartnerView> out;
    for (auto& p : repo.ListPartners(market, today)) {
        auto agreements = repo.Agreements(p.id);
        if (active_only) {
            std::vector<core::PartnerAgreement> in_force;
            for (const auto& a : agreements)
                if (core::AgreementInForce(agreements, a.category, *today) == &a) in_force.push_back(a);
            agreements = std::move(in_force);
        }
        out.push_back({std::move(p), std::move(agreements)});
    }
    return out;
}

Result<core::PartnerAgreement> PartnerService::AddAgreement(const std::string& code,
                                                            const core::PartnerAgreement& a,
                                                            const std::string& actor) {
    if (!IsCode(a.category, 64))
        return Error::Malformed("category is 1 to 64 of a-z, 0-9, '-' and '_'", "category");
    if (a.label.empty() || a.label.size() > 100)
        return Error::Malformed("label is 1 to 100 characters", "label");
    if (a.rate_bp < 0 || a.rate_bp > 10000)
        return Error::Invalid("rate_bp is 0 to 10 000 (100 %)", "rate_bp");
    if (!IsDate(a.valid_from)) return Error::Malformed("valid_from is a date YYYY-MM-DD", "valid_from");
    if (a.valid_to && !IsDate(*a.valid_to))
        return Error::Malformed("valid_to is a date YYYY-MM-DD", "valid_to");
    return InTransaction(db_, [&](store::Connection& c) -> Result<core::PartnerAgreement> {
        store::PartnerRepository repo(c);
        auto p = repo.FindPartnerByCode(code);
        if (!p) return Error::NotFound("no partner with code " + code);
        auto plan = core::PlanAgreement(repo.Agreements(p->id), a);
        if (!plan) return plan.error();
        std::string day_before = core::AddDays(a.valid_from, -1);
        if (*plan) {
            // A change never alters past sales (R_PART_1): the old rate keeps every sale booked before.
            if (repo.AgreementUsedAfter(**plan, day_before))
                return Error::Rule("R_PART_1",
                                   "sales on or after " + a.valid_from +
                                       " were booked at the current rate; start the new one later");
            repo.EndAgreement(**plan, day_before);
        }
        core::PartnerAgreement added = a;
        added.id = repo.InsertAgreement(p->id, a, actor, core::ToMillis(clock_.Now()));
        return added;
    });
}

Result<core::PartnerAgreement> PartnerService::EndAgreement(const std::string& code, int64_t agreement_id,
                                                            const std::string& valid_to) {
    if (!IsDate(valid_to)) return Error::Malformed("valid_to is a date YYYY-MM-DD", "valid_to");
    return InTransaction(db_, [&](store::Connection& c) -> Result<core::PartnerAgreement> {
        store::PartnerRepository repo(c);
        auto p = repo.FindPartnerByCode(code);
        if (!p) return Error::NotFound("no partner with code " + code);
        auto all = repo.Agreements(p->id);
        auto it = std::find_if(all.begin(), all.end(), [&](const auto& a) { return a.id == agreement_id; });
        if (it == all.end())
            return Error::NotFound("the partner has no agreement " + std::to_string(agreement_id));
        if (valid_to < core::AddDays(it->valid_from, -1))
            return Error::Invalid("valid_to is before the agreement starts", "valid_to");
        if (it->valid_to && valid_to > *it->valid_to)
            return Error::Invalid("an agreement can be ended earlier, not extended", "valid_to");
        if (repo.AgreementUsedAfter(agreement_id, valid_to))
            return Error::Rule("R_PART_1", "sales after " + valid_to + " were booked under this agreement");
        repo.EndAgreement(agreement_id, valid_to);
        it->valid_to = valid_to;
        return *it;
    });
}

Result<PartnerService::Context> PartnerService::Load(store::Connection& c, int64_t partner_id) {
    store::PartnerRepository repo(c);
    auto p = repo.FindPartner(partner_id);
    if (!p) return Error::Forbidden("this key's partner does not exist");
    auto m = markets_.find(p->market);
    if (m == markets_.end()) return Error::Invalid("the partner's market is not enabled");
    return Context{*p, &m->second, repo.Agreements(p->id)};
}

Result<bool> PartnerService::MayEarn(int64_t partner_id, const std::string& member_number) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    auto c = db_.Read();
    auto ctx = Load(*c, partner_id);
    if (!ctx) return ctx.error();
    std::string today = Today(*ctx->rules);
    auto m = store::PartnerRepository(*c).FindEarner(member_number);
    bool partner_active =
        ctx->partner.active_from <= today && (!ctx->partner.active_to || today <= *ctx->partner.active_to);
    return partner_active && m && m->kind == "member" && m->status == "active" && m->household_id &&
           m->market == ctx->partner.market;
}

Result<PartnerSaleOutcome> PartnerService::ReportSale(int64_t partner_id, const PartnerSaleInput& in,
                                                      const std::string& actor) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<PartnerSaleOutcome> {
        auto ctx = Load(c, partner_id);
        if (!ctx) return ctx.error();
        return SaleIn(c, *ctx, in, actor);
    });
}

Result<PartnerSaleOutcome> PartnerService::SaleIn(store::Connection& c, const Context& ctx,
                                                  const PartnerSaleInput& in, const std::string& actor) {
    const auto& rules = *ctx.rules;
    const auto& partner = ctx.partner;
    if (!IsExternalId(in.sale_id))
        return Error::Malformed("sale_id is 1 to 64 printable characters, no comma or quote", "sale_id");
    if (!core::IsValidMemberNumber(in.member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    if (!IsDate(in.sale_date)) return Error::Malformed("sale_date is a date YYYY-MM-DD", "sale_date");
    if (in.available_on && !IsDate(*in.available_on))
        return Error::Malformed("available_on is a date YYYY-MM-DD", "available_on");
    if (in.currency != rules.currency)
        return Error::Invalid("this partner's sales are in " + rules.currency + ", not " + in.currency,
                              "currency");
    if (in.lines.empty() || in.lines.size() > kMaxLines)
        return Error::Malformed("a sale has 1 to 100 lines", "lines");
    for (size_t i = 0; i < in.lines.size(); ++i) {
        std::string field = "lines[" + std::to_string(i) + "]";
        if (!IsCode(in.lines[i].category, 64))
            return Error::Malformed("category is 1 to 64 of a-z, 0-9, '-' and '_'", field + ".category");
        if (in.lines[i].amount_minor > kMaxAmount)
            return Error::Invalid("the amount is too large", field + ".amount_minor");
    }
    const std::string body_hash = Sha256Hex(CanonicalSale(in));
    store::PartnerRepository repo(c);
    if (auto existing = repo.FindSale(partner.id, in.sale_id)) {
        if (existing->body_hash != body_hash)
            return Error::Conflict("sale " + in.sale_id + " was reported before with different content");
        return PartnerSaleOutcome{*existing, ParseLines(existing->lines_json), true,
                                  existing->release_on && !existing->released_at};
    }
    const std::string today = Today(rules);
    if (in.sale_date > core::AddDays(today, 1))
        return Error::Invalid("sale_date is in the future", "sale_date");
    if (in.sale_date < core::AddDays(today, -kMaxSaleAgeDays))
        return Error::Invalid("sale_date is more than a year ago", "sale_date");
    if (in.sale_date < partner.active_from || (partner.active_to && in.sale_date > *partner.active_to))
        return Error::Rule("R_PART_1",
                           "the partner's agreement with the programme was not active on " + in.sale_date);
    auto priced = core::PricePartnerSale(ctx.agreements, in.lines, in.sale_date);
    if (!priced) return priced.error();

    auto m = repo.FindEarner(in.member_number);
    if (!m || m->kind != "member")
        return Error::Invalid("no member with number " + in.member_number, "member_number");
    if (m->status != "active")
        return Error::Rule("R_LIFE_2", "the membership has ended; it earns nothing (R_BON_9)");
    if (m->market != partner.market)
        return Error::Invalid("the member belongs to another market than the partner", "member_number");
    if (!m->household_id) return Error::Invalid("the member has no household to earn for", "member_number");

    store::PartnerSaleRecord s;
    s.partner_id = partner.id;
    s.sale_key = in.sale_id;
    s.member_id = m->member_id;
    s.household_id = *m->household_id;  // the household earns (R_HH_6)
    s.home_store_id = m->home_store_id;
    s.sale_date = in.sale_date;
    s.currency = rules.currency;
    for (const auto& l : *priced) {
        s.amount_minor += l.amount_minor;
        s.bonus_minor += l.bonus_minor;
    }
    const bool points = PointsMarket(rules);
    s.reward = points ? core::PointsForBonus(s.bonus_minor, rules.voucher_points, rules.voucher_value_minor)
                      : s.bonus_minor;
    s.reward_unit = points ? "points" : rules.currency;
    s.lines_json = LinesJson(*priced);
    s.release_on = core::PartnerReleaseDate(in.sale_date, partner.holding_days, in.available_on);
    if (s.release_on && *s.release_on <= today) s.release_on.reset();  // its day has come already
    s.body_hash = body_hash;
    s.via = in.via;
    int64_t now = core::ToMillis(clock_.Now());
    s.created_at = now;

    core::JournalEntry e;
    e.source_kind = "partner_sale";
    e.source_key = SaleSource(partner.id, in.sale_id);
    e.description = partner.name + ": sale " + in.sale_id + " of " + in.sale_date;
    e.actor = actor;
    e.occurred_at = now;
    const bool pending = s.release_on.has_value();
    const int64_t h = s.household_id;
    auto receivable = Acc(kind::kPartnerReceivable, "partner", partner.id, rules.currency);
    if (points) {
        auto to = pending ? Acc(kind::kHouseholdPointsPending, "household", h, "points")
                          : Acc(kind::kHouseholdPoints, "household", h, "points");
        core::AddTransfer(e, to, Acc(kind::kPartnerPoints, "partner", partner.id, "points"), s.reward,
                          pending ? std::nullopt : std::optional<int>(MonthOf(in.sale_date)));
        core::AddTransfer(e, Acc(kind::kPartnerPointsFunded, "partner", partner.id, rules.currency),
                          receivable, s.bonus_minor);
    } else {
        auto to = pending ? Acc(kind::kHouseholdBonusPending, "household", h, rules.currency)
                          : Acc(kind::kHouseholdBonus, "household", h, rules.currency);
        core::AddTransfer(e, to, receivable, s.bonus_minor);
    }
    if (!e.postings.empty()) {
        store::LedgerRepository ledger(c);
        auto entry = ledger.Post(e, now);
        // The same sale committed by a concurrent request: InTransaction retries and replays it.
        if (!entry && entry.error().code == core::ErrorCode::kConflict)
            throw store::DbError(store::DbError::Kind::kUniqueViolation, entry.error().detail);
        if (!entry) return entry.error();
        s.entry_id = *entry;
    }
    s.id = repo.InsertSale(s);
    return PartnerSaleOutcome{s, *priced, false, pending};
}

Result<PartnerReversalOutcome> PartnerService::ReverseSale(int64_t partner_id, const PartnerReversalInput& in,
                                                           const std::string& actor) {
    if (!IsExternalId(in.sale_id))
        return Error::Malformed("sale_id is 1 to 64 printable characters", "sale_id");
    if (!IsExternalId(in.reversal_id))
        return Error::Malformed("reversal_id is 1 to 64 printable characters, no comma or quote",
                                "reversal_id");
    if (!IsDate(in.date)) return Error::Malformed("date is a date YYYY-MM-DD", "date");
    if (in.lines.size() > kMaxLines) return Error::Malformed("at most 100 lines", "lines");
    for (const auto& l : in.lines)
        if (l.amount_minor > kMaxAmount) return Error::Invalid("the amount is too large", "lines");
    nlohmann::json canonical_lines = nlohmann::json::array();
    for (const auto& l : in.lines) canonical_lines.push_back({l.category, l.amount_minor});
    const std::string body_hash = Sha256Hex(nlohmann::json({in.date, canonical_lines}).dump());

    return InTransaction(db_, [&](store::Connection& c) -> Result<PartnerReversalOutcome> {
        auto ctx = Load(c, partner_id);
        if (!ctx) return ctx.error();
        const auto& rules = *ctx->rules;
        const auto& partner = ctx->partner;
        store::PartnerRepository repo(c);
        auto found = repo.FindSale(partner.id, in.sale_id);
        if (!found) return Error::NotFound("no sale " + in.sale_id + " of this partner");
        repo.LockSale(found->id);
        auto sale = *repo.FindSaleById(found->id);  // read again under the lock
        auto earlier = repo.Reversals(sale.id);
        for (const auto& r : earlier) {
            if (r.reversal_key != in.reversal_id) continue;
            if (r.body_hash != body_hash)
                return Error::Conflict("reversal " + in.reversal_id +
                                       " was reported before with different content");
            return PartnerReversalOutcome{r, sale.sale_key, true};
        }
        if (in.date < sale.sale_date)
            return Error::Invalid("a reversal is not dated before its sale", "date");
        if (in.date > core::AddDays(Today(rules), 1)) return Error::Invalid("date is in the future", "date");

        auto sale_lines = ParseLines(sale.lines_json);
        std::map<std::string, core::PartnerLineLeft> left;
        for (const auto& l : sale_lines) left[l.category] = {l.amount_minor, l.bonus_minor};
        int64_t reward_taken_before = 0, bonus_taken_before = 0;
        for (const auto& r : earlier) {
            for (const auto& l : nlohmann::json::parse(r.lines_json)) {
                auto& x = left[l.at(0).get<std::string>()];
                x.amount_minor -= l.at(1).get<int64_t>();
                x.bonus_minor -= l.at(2).get<int64_t>();
            }
            reward_taken_before += r.reward + r.written_off;
            bonus_taken_before += r.bonus_minor;
        }
        std::vector<core::PartnerSaleLine> asked = in.lines;
        if (asked.empty())  // a cancellation: all that is left
            for (const auto& [category, x] : left)
                if (x.amount_minor > 0) asked.push_back({category, x.amount_minor});
        if (asked.empty()) return Error::Invalid("nothing is left of the sale to cancel", "lines");
        auto priced = core::PricePartnerReversal(sale_lines, left, asked);
        if (!priced) return priced.error();

        store::PartnerReversalRecord r;
        r.sale_id = sale.id;
        r.reversal_key = in.reversal_id;
        r.reversal_date = in.date;
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& l : *priced) {
            r.amount_minor += l.amount_minor;
            r.bonus_minor += l.bonus_minor;
            lines.push_back({l.category, l.amount_minor, l.bonus_minor});
        }
        r.lines_json = lines.dump();
        r.body_hash = body_hash;
        const bool points = sale.reward_unit == "points";
        const int64_t reward_left = sale.reward - reward_taken_before;
        int64_t reward_back =
            !points ? r.bonus_minor
            : bonus_taken_before + r.bonus_minor == sale.bonus_minor
                ? reward_left
                : std::min(reward_left, core::PointsForBonus(r.bonus_minor, rules.voucher_points,
                                                             rules.voucher_value_minor));
        const bool pending = sale.release_on && !sale.released_at;
        const int64_t h = sale.household_id;
        store::LedgerRepository ledger(c);
        int64_t now = core::ToMillis(clock_.Now());
        auto account = points ? Acc(pending ? kind::kHouseholdPointsPending : kind::kHouseholdPoints,
                                    "household", h, "points")
                              : Acc(pending ? kind::kHouseholdBonusPending : kind::kHouseholdBonus,
                                    "household", h, sale.currency);
        auto held = ledger.FindAccount(account);
        // What the household spent already is not clawed back (a member's balance never goes below zero): the
        // operator writes it off, and the partner owes no bonus for a sale that was undone.
        int64_t take = std::clamp<int64_t>(held ? held->balance : 0, 0, reward_back);
        r.reward = take;
        r.written_off = reward_back - take;

        core::JournalEntry e;
        e.source_kind = "partner_reversal";
        e.source_key = SaleSource(partner.id, sale.sale_key) + "/reversal:" + in.reversal_id;
        e.description = partner.name + ": " + (in.lines.empty() ? "cancellation" : "return") + " of sale " +
                        sale.sale_key;
        e.actor = actor;
        e.occurred_at = now;
        auto receivable = Acc(kind::kPartnerReceivable, "partner", partner.id, sale.currency);
        const std::string unit = points ? "points" : sale.currency;
        auto counter = points ? Acc(kind::kPartnerPoints, "partner", partner.id, "points") : receivable;
        if (take > 0) {
            if (points && !pending) {
                int64_t acc_id = ledger.AccountId(account, now);
                for (const auto& [month, n] : ledger.OldestLots(acc_id, take))
                    e.postings.push_back({account, -n, month});
                e.postings.push_back({counter, take, std::nullopt});
            } else {
                core::AddTransfer(e, counter, account, take);
            }
        }
        core::AddTransfer(e, counter, Acc(kind::kPartnerWriteOff, "partner", partner.id, unit),
                          r.written_off);
        if (points)
            core::AddTransfer(e, receivable,
                              Acc(kind::kPartnerPointsFunded, "partner", partner.id, sale.currency),
                              r.bonus_minor);
        if (!e.postings.empty()) {
            auto entry = ledger.Post(e, now);
            if (!entry && entry.error().code == core::ErrorCode::kConflict)
                throw store::DbError(store::DbError::Kind::kUniqueViolation, entry.error().detail);
            if (!entry) return entry.error();
            r.entry_id = *entry;
        }
        r.created_at = now;
        r.id = repo.InsertReversal(r);
        return PartnerReversalOutcome{r, sale.sale_key, false};
    });
}

Result<PartnerService::Settlement> PartnerService::Settle(const std::string& code,
                                                          const std::string& settlement_id,
                                                          int64_t amount_minor, const std::string& paid_on,
                                                          const std::string& actor) {
    if (!IsExternalId(settlement_id))
        return Error::Malformed("settlement_id is 1 to 64 printable characters, no comma or quote",
                                "settlement_id");
    if (amount_minor <= 0 || amount_minor > kMaxAmount)
        return Error::Invalid("amount_minor is a positive amount", "amount_minor");
    if (!IsDate(paid_on)) return Error::Malformed("paid_on is a date YYYY-MM-DD", "paid_on");
    return InTransaction(db_, [&](store::Connection& c) -> Result<Settlement> {
        store::PartnerRepository repo(c);
        auto p = repo.FindPartnerByCode(code);
        if (!p) return Error::NotFound("no partner with code " + code);
        const auto& currency = markets_.at(p->market).currency;
        store::LedgerRepository ledger(c);
        auto receivable = Acc(kind::kPartnerReceivable, "partner", p->id, currency);
        auto owed = [&] {
            auto a = ledger.FindAccount(receivable);
            return a ? -a->balance : 0;
        };
        if (auto done = repo.FindSettlement(p->id, settlement_id)) {
            if (done->amount_minor != amount_minor || done->paid_on != paid_on)
                return Error::Conflict("settlement " + settlement_id +
                                       " was recorded before with another amount");
            return Settlement{*done, owed(), true};
        }
        if (amount_minor > owed())
            return Error::Invalid("the partner owes " + std::to_string(owed()) + ", less than this payment",
                                  "amount_minor");
        int64_t now = core::ToMillis(clock_.Now());
        core::JournalEntry e;
        e.source_kind = "partner_settlement";
        e.source_key = "partner:" + std::to_string(p->id) + "/settlement:" + settlement_id;
        e.description = p->name + ": payment " + settlement_id + " of " + paid_on;
        e.actor = actor;
        e.occurred_at = now;
        core::AddTransfer(e, receivable, Acc(kind::kPartnerPaid, "partner", p->id, currency), amount_minor);
        auto entry = ledger.Post(e, now);
        if (!entry && entry.error().code == core::ErrorCode::kConflict)
            throw store::DbError(store::DbError::Kind::kUniqueViolation, entry.error().detail);
        if (!entry) return entry.error();
        store::PartnerSettlementRecord s{0, p->id, settlement_id, amount_minor, paid_on, *entry, now, actor};
        s.id = repo.InsertSettlement(s);
        return Settlement{s, owed(), false};
    });
}

Result<PartnerReleaseReport> PartnerService::ReleaseDue() {
    int64_t started = core::ToMillis(clock_.Now());
    auto lease = JobLease::Take(db_, kReleaseJob, started, 10 * 60 * 1000);
    if (!lease) return lease.error();
    std::optional<JobLease> held = std::move(*lease);
    LeaseGuard guard(db_, held);
    PartnerReleaseReport report;
    // The latest local date of the enabled markets: each sale is checked against its own market's day.
    for (;;) {
        std::string latest = "0000-00-00";
        for (const auto& [code, rules] : markets_) latest = std::max(latest, Today(rules));
        auto batch = InTransaction(db_, [&](store::Connection& c) -> Result<PartnerReleaseReport> {
            int64_t now = core::ToMillis(clock_.Now());
            if (!held->Renew(c, now)) return Error::Conflict("the release job's lease was taken over");
            store::PartnerRepository repo(c);
            store::LedgerRepository ledger(c);
            PartnerReleaseReport done;
            for (const auto& due : repo.DueReleases(latest, 500)) {
                repo.LockSale(due.id);
                auto sale = *repo.FindSaleById(due.id);
                if (sale.released_at) continue;
                auto partner = repo.FindPartner(sale.partner_id);
                auto market = markets_.find(partner->market);
                if (market == markets_.end() || *sale.release_on > Today(market->second)) continue;
                ++done.sales;
                int64_t taken = 0;
                for (const auto& r : repo.Reversals(sale.id)) taken += r.reward + r.written_off;
                int64_t left = sale.reward - taken;
                std::optional<int64_t> entry_id;
                if (left > 0) {
                    const bool points = sale.reward_unit == "points";
                    const int64_t h = sale.household_id;
                    core::JournalEntry e;
                    e.source_kind = "partner_release";
                    e.source_key = SaleSource(sale.partner_id, sale.sale_key);
                    e.description = partner->name + ": bonus of sale " + sale.sale_key + " of " +
                                    sale.sale_date + " is available";
                    e.actor = "job:" + std::string(kReleaseJob);
                    e.occurred_at = now;
                    if (points)
                        core::AddTransfer(e, Acc(kind::kHouseholdPoints, "household", h, "points"),
                                          Acc(kind::kHouseholdPointsPending, "household", h, "points"), left,
                                          MonthOf(*sale.release_on));
                    else
                        core::AddTransfer(e, Acc(kind::kHouseholdBonus, "household", h, sale.currency),
                                          Acc(kind::kHouseholdBonusPending, "household", h, sale.currency),
                                          left);
                    auto posted = ledger.Post(e, now);
                    if (!posted) return posted.error();
                    entry_id = *posted;
                    ++done.released;
                }
                repo.MarkReleased(sale.id, entry_id, now);
            }
            return done;
        });
        if (!batch) return batch.error();
        report.sales += batch->sales;
        report.released += batch->released;
        if (batch->sales == 0) break;
    }
    return report;
}

Result<PartnerReport> PartnerService::Report(const std::string& from, const std::string& to,
                                             const std::string& group_by, const std::string& market) {
    if (!IsDate(from) || !IsDate(to) || to < from)
        return Error::Malformed("from and to are dates YYYY-MM-DD, from not after to", "from");
    if (!market.empty() && !markets_.contains(market))
        return Error::Invalid("the market is not enabled here", "market");
    using By = store::PartnerRepository::GroupBy;
    By by;
    if (group_by == "partner")
        by = By::kPartner;
    else if (group_by == "category")
        by = By::kCategory;
    else if (group_by == "home_store")
        by = By::kHomeStore;
    else
        return Error::Malformed("group_by is partner, category or home_store", "group_by");
    auto c = db_.Read();
    store::PartnerRepository repo(*c);
    PartnerReport out{from, to, group_by, market, repo.Report(by, from, to, market), 0, 0, {}};
    for (const auto& r : out.rows) {
        out.bonus_minor += r.bonus_minor;
        out.reversed_minor += r.reversed_minor;
    }
    store::LedgerRepository ledger(*c);
    for (const auto& p : repo.ListPartners(market, std::nullopt)) {
        auto m = markets_.find(p.market);
        if (m == markets_.end()) continue;
        const std::string& currency = m->second.currency;
        PartnerReport::Owed owed{p.code, currency, -repo.ReceivableMoved(p.id, from, to), 0};
        if (auto acc = ledger.FindAccount(Acc(kind::kPartnerReceivable, "partner", p.id, currency)))
            owed.outstanding_minor = -acc->balance;
        if (owed.period_minor != 0 || owed.outstanding_minor != 0) out.owed.push_back(owed);
    }
    std::sort(out.owed.begin(), out.owed.end(),
              [](const auto& a, const auto& b) { return a.partner_code < b.partner_code; });
    return out;
}

}  // namespace andel::app
