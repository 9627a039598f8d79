// My pages for what a member earns with (issue 8 §1): the household's receipts with their lines, tenders and
// returns (R_BON_8, R_HH_6), and the market's partners by category with the rates in force today (R_PART_2).
// Read only; the same services as the API (RewardsService::Receipts, PartnerService::List), so a member sees
// what the API shows of the household and nothing of another's.
#include <cstdio>
#include <map>
#include <set>
#include <variant>

#include "store/ledger/receipt_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

const Catalogue& Cat() { return Catalogue::Embedded(); }

constexpr int kReceiptsPerPage = 20;
// A till may send up to 10 000 lines: names are looked up for this many different SKUs, the rest show the
// SKU alone; and a sale shows at most this many of its returns.
constexpr size_t kMaxNamedSkus = 200;
constexpr int kMaxReturns = 50;

// A positive count of hundredths as each language writes a decimal: 500 -> "5", 250 -> "2,5", 125 -> "1,25".
std::string Hundredths(int64_t v, const std::string& lang) {
    std::string out = FormatNumber(v / 100, lang);
    int64_t cents = v % 100;
    if (cents == 0) return out;
    char digits[16];
    std::snprintf(digits, sizeof digits, cents % 10 == 0 ? "%lld" : "%02lld",
                  static_cast<long long>(cents % 10 == 0 ? cents / 10 : cents));
    return out + (lang == "en" ? "." : ",") + digits;
}

// A weighed line's quantity (grams, negative on a return) in kilograms: "0,532 kg".
std::string Kilograms(int64_t grams, const std::string& lang) {
    uint64_t g = grams < 0 ? 0 - static_cast<uint64_t>(grams) : static_cast<uint64_t>(grams);
    char rest[16];
    std::snprintf(rest, sizeof rest, "%03u", static_cast<unsigned>(g % 1000));
    return std::string(grams < 0 ? "-" : "") + FormatNumber(static_cast<int64_t>(g / 1000), lang) +
           (lang == "en" ? "." : ",") + rest + "\u00a0kg";
}

// What a receipt moved, as the member reads it: each of bonus, points, savings and dividend it earned (or, a
// return, took back), or that it earned nothing.
std::string Earned(const store::ReceiptRecord& r, const std::string& lang) {
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : " · ") + part; };
    if (r.bonus_minor != 0)
        add(Cat().Format("my_receipts_bonus", lang,
                         {{"amount", FormatMoney(r.bonus_minor, r.currency, lang)}}));
    if (r.points != 0) add(Amount(r.points, "points", lang));
    if (r.savings_minor != 0)
        add(Cat().Format("my_receipts_savings", lang,
                         {{"amount", FormatMoney(r.savings_minor, r.currency, lang)}}));
    if (r.dividend_minor != 0)
        add(Cat().Format("my_receipts_dividend", lang,
                         {{"amount", FormatMoney(r.dividend_minor, r.currency, lang)}}));
    return out.empty() ? Cat().Text("my_receipts_nothing", lang) : out;
}

std::string ReceiptHref(int64_t id) { return "/my/receipts/" + std::to_string(id); }

// A row of the list (and of a sale's returns): when, where, the total and what it earned.
json ReceiptRow(const store::ReceiptRecord& r, const std::string& store_name, const std::string& tz,
                const std::string& lang) {
    return {{"href", ReceiptHref(r.id)}, {"date", FormatDateTime(r.occurred_at, tz, lang)},
            {"store", store_name},       {"total", FormatMoney(r.total_minor, r.currency, lang)},
            {"earned", Earned(r, lang)}, {"is_return", r.original_receipt_id.has_value()}};
}

// Store names by id, each read once per page.
class StoreNames {
  public:
    explicit StoreNames(store::Connection& c) : repo_(c) {}
    const std::string& Of(int64_t store_id) {
        auto it = names_.find(store_id);
        if (it != names_.end()) return it->second;
        auto found = repo_.FindStore(store_id);
        return names_[store_id] = found ? found->name : std::string();
    }

  private:
    store::MembershipRepository repo_;
    std::map<int64_t, std::string> names_;
};

// A receipt's id as a path or query gives it: 1 to 18 digits, not zero.
std::optional<int64_t> PositiveId(const std::string& text) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    int64_t v = std::stoll(text);
    if (v <= 0) return std::nullopt;
    return v;
}

// `before` of the list's next page: absent is 0 (the newest), anything but a positive id is refused.
std::optional<int64_t> BeforeOf(const Context& ctx) {
    auto b = ctx.request.Query("before");
    if (!b) return 0;
    return PositiveId(*b);
}

// The receipt `param` names when it is the household's (R_HH_6: receipts of the household, as the API lists
// them); any other id, or one that is no number, is not found.
std::optional<store::ReceiptRecord> HouseholdReceipt(store::Connection& c, const Me& me,
                                                     const std::string& param) {
    auto id = PositiveId(param);
    if (!id || !me.view.member.household_id) return std::nullopt;
    auto r = store::ReceiptRepository(c).FindById(*id);
    if (!r || r->household_id != me.view.member.household_id) return std::nullopt;
    return r;
}

struct Product {
    std::string name;
    bool weighed = false;
};

// The catalogue's name of each line's SKU (and whether it is sold by weight), for the first kMaxNamedSkus.
std::map<std::string, Product> ProductsOf(http::Services& s, const json& lines, const std::string& market) {
    std::map<std::string, Product> out;
    if (!s.catalogue) return out;
    std::set<std::string> asked;
    for (const auto& l : lines) {
        const std::string& sku = l[0].get_ref<const std::string&>();
        if (asked.size() >= kMaxNamedSkus || !asked.insert(sku).second) continue;
        if (auto v = s.catalogue->Product(market, sku, std::nullopt))
            out[sku] = {v->product.name, v->product.weighed};
    }
    return out;
}

// The lines as stored ([sku, category, quantity, amount_minor, discount_minor], ReceiptService::PostIn).
json LineRows(http::Services& s, const store::ReceiptRecord& r, const Me& me) {
    const std::string& lang = me.lang;
    json lines = json::parse(r.lines_json);
    auto products = ProductsOf(s, lines, me.view.member.market);
    json rows = json::array();
    for (const auto& l : lines) {
        const std::string sku = l[0];
        int64_t quantity = l[2], amount = l[3], discount = l[4];
        auto p = products.find(sku);
        bool weighed = p != products.end() && p->second.weighed;
        json row = {{"name", p != products.end() ? p->second.name : sku},
                    {"quantity", weighed ? Kilograms(quantity, lang)
                                         : Cat().Format("my_receipt_pieces", lang,
                                                        {{"count", FormatNumber(quantity, lang)}})},
                    {"amount", FormatMoney(amount, r.currency, lang)},
                    {"negative", amount < 0}};
        if (p != products.end()) row["sku"] = sku;
        if (discount != 0) row["discount"] = FormatMoney(-discount, r.currency, lang);
        rows.push_back(std::move(row));
    }
    return rows;
}

// How it was paid ([kind, amount_minor]); a kind the catalogue does not name is "other".
json TenderRows(const store::ReceiptRecord& r, const std::string& lang) {
    json rows = json::array();
    for (const auto& t : json::parse(r.tenders_json)) {
        std::string key = "my_receipt_tender_" + t[0].get<std::string>();
        rows.push_back({{"kind", Cat().Text(Cat().Has(key) ? key : "my_receipt_tender_other", lang)},
                        {"amount", FormatMoney(t[1].get<int64_t>(), r.currency, lang)}});
    }
    return rows;
}

Response ReceiptsPage(const Context& ctx, http::Services& s, const Me& me) {
    if (!me.view.member.member_number) return ErrorPage(ctx, s, me.lang, 404, "error_not_found");
    auto before = BeforeOf(ctx);
    if (!before) return ErrorPage(ctx, s, me.lang, 400, "error_form");
    // One more than a page tells whether there is an older page, so a full last page links to no empty one.
    auto page = s.rewards.Receipts(*me.view.member.member_number, kReceiptsPerPage + 1, *before);
    if (!page) return ErrorPage(ctx, s, me.lang, 400, "error_form");
    bool more = page->items.size() > static_cast<size_t>(kReceiptsPerPage);
    if (more) page->items.pop_back();
    json d = BaseData(ctx, s, me.lang, "my_receipts_title", "receipts");
    json items = json::array();
    {
        auto c = s.db.Read();
        StoreNames stores(*c);
        for (const auto& r : page->items)
            items.push_back(ReceiptRow(r, stores.Of(r.store_id), me.rules->time_zone, me.lang));
    }
    d["items"] = items;
    d["empty"] = items.empty();
    if (more) d["next"] = "/my/receipts?before=" + std::to_string(page->items.back().id);
    return Html(ctx, 200, RenderPage("receipts", d));
}

Response ReceiptPage(const Context& ctx, http::Services& s, const Me& me) {
    const std::string& lang = me.lang;
    const std::string& tz = me.rules->time_zone;
    json d = BaseData(ctx, s, lang, "my_receipt_title", "receipts");
    store::ReceiptRecord r;
    {
        auto c = s.db.Read();
        auto found = HouseholdReceipt(*c, me, ctx.Param("receipt_id"));
        if (!found) return ErrorPage(ctx, s, lang, 404, "my_receipt_not_found");
        r = std::move(*found);
        StoreNames stores(*c);
        store::ReceiptRepository receipts(*c);
        d["store"] = stores.Of(r.store_id);
        if (r.original_receipt_id)
            if (auto original = receipts.FindById(*r.original_receipt_id))
                d["original"] = {{"href", ReceiptHref(original->id)},
                                 {"date", FormatDateTime(original->occurred_at, tz, lang)}};
        json returns = json::array();
        for (const auto& x : receipts.ReturnsOf(r.id, kMaxReturns))
            returns.push_back(ReceiptRow(x, stores.Of(x.store_id), tz, lang));
        d["has_returns"] = !returns.empty();
        d["returns"] = returns;
    }
    d["date"] = FormatDateTime(r.occurred_at, tz, lang);
    d["is_return"] = r.original_receipt_id.has_value();
    d["lines"] = LineRows(s, r, me);
    d["tenders"] = TenderRows(r, lang);
    d["has_tenders"] = !d["tenders"].empty();
    d["total"] = FormatMoney(r.total_minor, r.currency, lang);
    d["eligible"] = FormatMoney(r.eligible_minor, r.currency, lang);
    d["earned"] = Earned(r, lang);
    return Html(ctx, 200, RenderPage("receipt", d));
}

// ---- Partners (R_PART_2) ----------------------------------------------------------------------------------

// A rate as the member earns it: "5 % bonus" where the reward is money (DK, NO), "5 points per krona" where
// it is points (SE: the bonus turned into points at the voucher's value, as PartnerService books a sale).
std::string RateText(core::BasisPoints bp, const core::MarketRules& rules, const std::string& lang) {
    if (rules.reward != core::RewardKind::kPoints)
        return Cat().Format("my_partners_rate_bonus", lang, {{"rate", Hundredths(bp, lang)}});
    // bp/10000 of 100 öre, at voucher_points per voucher_value_minor öre: in hundredths of a point per krona.
    int64_t hundredths =
        rules.voucher_value_minor > 0 ? bp * rules.voucher_points / rules.voucher_value_minor : 0;
    return Cat().Format("my_partners_rate_points", lang, {{"points", Hundredths(hundredths, lang)}});
}

// Only a web address for the browser (http or https): nothing a link could run.
bool IsWebAddress(const std::optional<std::string>& url) {
    return url && (url->starts_with("https://") || url->starts_with("http://"));
}

json PartnerItem(const app::PartnerView& v, const Me& me) {
    const std::string& lang = me.lang;
    const auto& p = v.partner;
    json rates = json::array();
    for (const auto& a : v.agreements) {
        json rate = {{"rate", RateText(a.rate_bp, *me.rules, lang)}, {"label", a.label}};
        if (a.valid_to)
            rate["until"] =
                Cat().Format("my_partners_until", lang, {{"date", FormatIsoDate(*a.valid_to, lang)}});
        rates.push_back(std::move(rate));
    }
    std::string how;
    if (p.sells_online) how = Cat().Text("my_partners_online", lang);
    if (p.sells_in_shop) how += (how.empty() ? "" : " · ") + Cat().Text("my_partners_in_shop", lang);
    json item = {{"name", p.name}, {"rates", rates}};
    if (!p.description.empty()) item["description"] = p.description;
    if (!how.empty()) item["how"] = how;
    if (IsWebAddress(p.website_url)) item["website"] = *p.website_url;
    return item;
}

Response PartnersPage(const Context& ctx, http::Services& s, const Me& me) {
    if (!s.partners) return ErrorPage(ctx, s, me.lang, 404, "error_not_found");
    // Active partners with the agreements in force today (as /api/v1/partner-directory/{market} lists them);
    // a partner with no rate today earns nothing and is left out, and so is a category left empty.
    std::map<std::string, json> by_category;
    for (const auto& v : s.partners->List(me.view.member.market, true))
        if (!v.agreements.empty()) by_category[v.partner.category].push_back(PartnerItem(v, me));
    json categories = json::array();
    for (const auto& c : s.partners->categories()) {
        auto it = by_category.find(c.code);
        if (it == by_category.end()) continue;
        auto label = c.labels.find(me.lang);
        categories.push_back({{"id", "category-" + c.code},
                              {"label", label != c.labels.end() ? label->second : c.code},
                              {"partners", it->second}});
    }
    json d = BaseData(ctx, s, me.lang, "my_partners_title", "partners");
    d["categories"] = categories;
    d["empty"] = categories.empty();
    d["how_to_earn"] = Cat().Format("my_partners_how", me.lang,
                                    {{"member_number", me.view.member.member_number.value_or("")}});
    d["member"] = me.view.member.member_number.has_value();
    return Html(ctx, 200, RenderPage("partners", d));
}

}  // namespace

void AddMyRewardsPages(http::Router& router, http::Services& s) {
    // The household's receipts, newest first, kReceiptsPerPage a page (R_BON_8, R_HH_6).
    router.Add("GET", "/my/receipts", {}, [&s](Context& ctx) {
        auto me = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&me)) return *r;
        return ReceiptsPage(ctx, s, std::get<Me>(me));
    });
    // One receipt: its lines, tenders, total, what it earned and its returns; another household's is not
    // found.
    router.Add("GET", "/my/receipts/{receipt_id}", {}, [&s](Context& ctx) {
        auto me = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&me)) return *r;
        return ReceiptPage(ctx, s, std::get<Me>(me));
    });
    // The market's partners by category, with what a member earns at each today (R_PART_2, R_PART_3).
    router.Add("GET", "/my/partners", {}, [&s](Context& ctx) {
        auto me = Member(ctx, s);
        if (auto* r = std::get_if<Response>(&me)) return *r;
        return PartnersPage(ctx, s, std::get<Me>(me));
    });
}

}  // namespace andel::web
