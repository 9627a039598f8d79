// The partner programme's routes (R_PART_1..4, R_CARD_2): the back office manages partners and agreements
// and reads the reports; a partner's key checks members and reports sales, reversals and files of sales;
// members browse the partners.
#include <sstream>

#include "app/partners/partner_csv.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;
constexpr int64_t kMaxAmount = 100'000'000'000;

json PartnerJson(const app::PartnerView& v, const std::string& language,
                 const std::vector<app::PartnerCategory>& categories) {
    const auto& p = v.partner;
    json agreements = json::array();
    for (const auto& a : v.agreements)
        agreements.push_back({{"id", a.id},
                              {"category", a.category},
                              {"label", a.label},
                              {"rate_bp", a.rate_bp},
                              {"valid_from", a.valid_from},
                              {"valid_to", a.valid_to ? json(*a.valid_to) : json(nullptr)}});
    json how = json::array();
    if (p.sells_online) how.push_back("online");
    if (p.sells_in_shop) how.push_back("in_shop");
    json j = {{"code", p.code},
              {"market", p.market},
              {"name", p.name},
              {"category", p.category},
              {"description", p.description},
              {"logo_url", p.logo_url ? json(*p.logo_url) : json(nullptr)},
              {"website_url", p.website_url ? json(*p.website_url) : json(nullptr)},
              {"how_to_buy", how},
              {"active_from", p.active_from},
              {"active_to", p.active_to ? json(*p.active_to) : json(nullptr)},
              {"holding_days", p.holding_days},
              {"agreements", agreements}};
    if (!language.empty())
        for (const auto& c : categories)
            if (c.code == p.category)
                j["category_label"] = c.labels.count(language) ? c.labels.at(language) : c.code;
    return j;
}

core::Result<app::PartnerInput> ReadPartner(const json& body, bool creating) {
    Fields f(body);
    app::PartnerInput in;
    if (creating) {
        in.code = f.RequiredString("code", 64);
        in.market = f.RequiredString("market", 2);
    }
    in.name = f.RequiredString("name", 100);
    in.category = f.RequiredString("category", 64);
    in.description = f.OptionalString("description", 2000).value_or("");
    in.logo_url = f.OptionalString("logo_url", 500);
    in.website_url = f.OptionalString("website_url", 500);
    in.sells_online = f.OptionalBool("sells_online").value_or(true);
    in.sells_in_shop = f.OptionalBool("sells_in_shop").value_or(false);
    in.active_from = f.RequiredString("active_from", 10);
    in.active_to = f.OptionalString("active_to", 10);
    in.holding_days = static_cast<int>(f.OptionalInt("holding_days", 0, 730).value_or(0));
    ANDEL_TRY(f.Finish());
    return in;
}

// "lines": [{"category", "amount_minor"}], 1 to 100 (0 allowed for a cancellation).
core::Result<std::vector<core::PartnerSaleLine>> ReadLines(Fields& f, bool required) {
    std::vector<core::PartnerSaleLine> out;
    const json* lines = f.Array("lines", 100, required);
    if (!lines) return out;
    for (size_t i = 0; i < lines->size(); ++i) {
        std::string prefix = "lines[" + std::to_string(i) + "].";
        if (!(*lines)[i].is_object()) return core::Error::Malformed(prefix + " must be an object", "lines");
        Fields l((*lines)[i], prefix);
        core::PartnerSaleLine line;
        line.category = l.RequiredString("category", 64);
        line.amount_minor = l.RequiredInt("amount_minor", -kMaxAmount, kMaxAmount);
        ANDEL_TRY(l.Finish());
        out.push_back(std::move(line));
    }
    return out;
}

json SaleJson(const app::PartnerSaleOutcome& o) {
    const auto& s = o.sale;
    json lines = json::array();
    for (const auto& l : o.lines)
        lines.push_back({{"category", l.category},
                         {"amount_minor", l.amount_minor},
                         {"rate_bp", l.rate_bp},
                         {"bonus_minor", l.bonus_minor}});
    return {{"sale_id", s.sale_key},
            {"sale_date", s.sale_date},
            {"currency", s.currency},
            {"amount_minor", s.amount_minor},
            {"bonus_minor", s.bonus_minor},
            {"credited", {{"amount", s.reward}, {"unit", s.reward_unit}}},
            {"status", o.pending ? "pending" : "available"},
            {"available_on", s.release_on ? json(*s.release_on) : json(nullptr)},
            {"lines", lines},
            {"replayed", o.replayed}};
}

std::string Language(const Context& ctx, const std::string& market, Services& s) {
    if (auto l = ctx.request.Query("lang"); l && (*l == "da" || *l == "nb" || *l == "sv" || *l == "en"))
        return *l;
    auto m = s.markets.find(market);
    return m != s.markets.end() ? m->second.language : "en";
}

}  // namespace

void AddPartnerRoutes(Router& router, Services& s) {
    if (!s.partners) return;
    app::PartnerService& partners = *s.partners;
    const std::set<std::string> kBackOffice = {app::kRoleBackOffice};
    const std::set<std::string> kPartner = {app::kRolePartner};

    router.Add("POST", "/api/v1/partners", kBackOffice, [&partners](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadPartner(*body, true);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto p = partners.Create(*in, ctx.principal.Actor());
        if (!p) return Problem(p.error(), ctx.request.request_id);
        return JsonResponse(201, PartnerJson({*p, {}}, "", partners.categories()));
    });

    router.Add("GET", "/api/v1/partners", kBackOffice, [&partners](Context& ctx) {
        json out = json::array();
        for (const auto& v : partners.List(ctx.request.Query("market").value_or(""), false))
            out.push_back(PartnerJson(v, "", partners.categories()));
        return JsonResponse(200, {{"items", out}});
    });

    router.Add("GET", "/api/v1/partners/{partner_code}", kBackOffice, [&partners](Context& ctx) {
        auto v = partners.Get(ctx.Param("partner_code"));
        if (!v) return Problem(v.error(), ctx.request.request_id);
        return JsonResponse(200, PartnerJson(*v, "", partners.categories()));
    });

    router.Add("PUT", "/api/v1/partners/{partner_code}", kBackOffice, [&partners](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadPartner(*body, false);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto p = partners.Update(ctx.Param("partner_code"), *in, ctx.principal.Actor());
        if (!p) return Problem(p.error(), ctx.request.request_id);
        auto v = partners.Get(p->code);
        return JsonResponse(200, PartnerJson(*v, "", partners.categories()));
    });

    // A rate for a category from a date (R_PART_1); the one in force then ends the day before.
    router.Add("POST", "/api/v1/partners/{partner_code}/agreements", kBackOffice, [&partners](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        core::PartnerAgreement a;
        a.category = f.RequiredString("category", 64);
        a.label = f.RequiredString("label", 100);
        a.rate_bp = f.RequiredInt("rate_bp", -1'000'000, 1'000'000);
        a.valid_from = f.RequiredString("valid_from", 10);
        a.valid_to = f.OptionalString("valid_to", 10);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto added = partners.AddAgreement(ctx.Param("partner_code"), a, ctx.principal.Actor());
        if (!added) return Problem(added.error(), ctx.request.request_id);
        auto v = partners.Get(ctx.Param("partner_code"));
        return JsonResponse(201, PartnerJson(*v, "", partners.categories()));
    });

    router.Add("POST", "/api/v1/partners/{partner_code}/agreements/{agreement_id}/end", kBackOffice,
               [&partners](Context& ctx) {
                   auto id = ParseId(ctx.Param("agreement_id"));
                   if (!id)
                       return Problem(core::Error::Malformed("agreement_id is a number", "agreement_id"),
                                      ctx.request.request_id);
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   std::string valid_to = f.RequiredString("valid_to", 10);
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   auto ended = partners.EndAgreement(ctx.Param("partner_code"), *id, valid_to);
                   if (!ended) return Problem(ended.error(), ctx.request.request_id);
                   auto v = partners.Get(ctx.Param("partner_code"));
                   return JsonResponse(200, PartnerJson(*v, "", partners.categories()));
               });

    // A partner's payment for what it owes (R_PART_4), once per settlement_id.
    router.Add("POST", "/api/v1/partners/{partner_code}/settlements", kBackOffice, [&partners](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string id = f.RequiredString("settlement_id", 64);
        int64_t amount = f.RequiredInt("amount_minor", -kMaxAmount, kMaxAmount);
        std::string paid_on = f.RequiredString("paid_on", 10);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto s = partners.Settle(ctx.Param("partner_code"), id, amount, paid_on, ctx.principal.Actor());
        if (!s) return Problem(s.error(), ctx.request.request_id);
        return JsonResponse(s->replayed ? 200 : 201, {{"partner", ctx.Param("partner_code")},
                                                      {"settlement_id", s->record.settlement_key},
                                                      {"amount_minor", s->record.amount_minor},
                                                      {"paid_on", s->record.paid_on},
                                                      {"outstanding_minor", s->outstanding_minor},
                                                      {"replayed", s->replayed}});
    });

    // R_PART_4: bonus per partner, category or home store in a period, and what each partner owes.
    router.Add("GET", "/api/v1/partner-reports", kBackOffice, [&partners](Context& ctx) {
        auto r = partners.Report(ctx.request.Query("from").value_or(""), ctx.request.Query("to").value_or(""),
                                 ctx.request.Query("group_by").value_or("partner"),
                                 ctx.request.Query("market").value_or(""));
        if (!r) return Problem(r.error(), ctx.request.request_id);
        if (ctx.request.Query("format").value_or("json") == "csv")
            return Response::Text(200, app::ReportCsv(*r), "text/csv; charset=utf-8");
        json rows = json::array();
        for (const auto& x : r->rows)
            rows.push_back({{"key", x.key},
                            {"name", x.name},
                            {"sales", x.sales},
                            {"amount_minor", x.amount_minor},
                            {"bonus_minor", x.bonus_minor},
                            {"reversed_minor", x.reversed_minor},
                            {"net_bonus_minor", x.bonus_minor - x.reversed_minor}});
        json owed = json::array();
        for (const auto& o : r->owed)
            owed.push_back({{"partner", o.partner_code},
                            {"currency", o.currency},
                            {"owed_for_period_minor", o.period_minor},
                            {"outstanding_minor", o.outstanding_minor}});
        return JsonResponse(200, {{"from", r->from},
                                  {"to", r->to},
                                  {"group_by", r->group_by},
                                  {"market", r->market.empty() ? json(nullptr) : json(r->market)},
                                  {"rows", rows},
                                  {"bonus_minor", r->bonus_minor},
                                  {"reversed_minor", r->reversed_minor},
                                  {"net_bonus_minor", r->bonus_minor - r->reversed_minor},
                                  {"owed", owed}});
    });

    // Members browse the partners of a market by category, with the rates in force today (R_PART_2).
    router.Add("GET", "/api/v1/partner-directory/{market}", {}, [&partners, &s](Context& ctx) {
        const std::string& market = ctx.Param("market");
        if (!s.markets.contains(market))
            return Problem(core::Error::NotFound("no market " + market), ctx.request.request_id);
        std::string language = Language(ctx, market, s);
        std::map<std::string, json> by_category;
        for (const auto& v : partners.List(market, true)) {
            json p = PartnerJson(v, language, partners.categories());
            p.erase("holding_days");
            p.erase("active_from");
            p.erase("active_to");
            for (auto& a : p["agreements"]) {
                a.erase("id");
                a.erase("valid_from");
            }
            p["rates"] = std::move(p["agreements"]);
            p.erase("agreements");
            by_category[v.partner.category].push_back(std::move(p));
        }
        json categories = json::array();
        for (const auto& c : partners.categories()) {
            auto it = by_category.find(c.code);
            categories.push_back({{"code", c.code},
                                  {"label", c.labels.count(language) ? c.labels.at(language) : c.code},
                                  {"partners", it == by_category.end() ? json::array() : it->second}});
        }
        return JsonResponse(200, {{"market", market}, {"language", language}, {"categories", categories}});
    });

    // R_CARD_2: at a partner's checkout, whether the member number may earn; nothing else about the member.
    router.Add("GET", "/api/v1/partner/members/{member_number}", kPartner, [&partners](Context& ctx) {
        if (!ctx.principal.partner_id)
            return Problem(core::Error::Forbidden("this key belongs to no partner"), ctx.request.request_id);
        auto r = partners.MayEarn(*ctx.principal.partner_id, ctx.Param("member_number"));
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"member_number", ctx.Param("member_number")}, {"may_earn", *r}});
    });

    // A sale (R_PART_3): idempotent on (partner, sale_id).
    router.Add("POST", "/api/v1/partner/sales", kPartner, [&partners](Context& ctx) {
        if (!ctx.principal.partner_id)
            return Problem(core::Error::Forbidden("this key belongs to no partner"), ctx.request.request_id);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        app::PartnerSaleInput in;
        in.sale_id = f.RequiredString("sale_id", 64);
        in.member_number = f.RequiredString("member_number", 8);
        in.sale_date = f.RequiredString("sale_date", 10);
        in.currency = f.RequiredString("currency", 3);
        in.available_on = f.OptionalString("available_on", 10);
        auto lines = ReadLines(f, true);
        if (!lines) return Problem(lines.error(), ctx.request.request_id);
        in.lines = std::move(*lines);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto out = partners.ReportSale(*ctx.principal.partner_id, in, ctx.principal.Actor());
        if (!out) return Problem(out.error(), ctx.request.request_id);
        return JsonResponse(out->replayed ? 200 : 201, SaleJson(*out));
    });

    // A cancellation (no lines) or return (lines) of a sale: takes its bonus back, in part or in full.
    router.Add("POST", "/api/v1/partner/sales/{sale_id}/reversals", kPartner, [&partners](Context& ctx) {
        if (!ctx.principal.partner_id)
            return Problem(core::Error::Forbidden("this key belongs to no partner"), ctx.request.request_id);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        app::PartnerReversalInput in;
        in.sale_id = ctx.Param("sale_id");
        in.reversal_id = f.RequiredString("reversal_id", 64);
        in.date = f.RequiredString("date", 10);
        auto lines = ReadLines(f, false);
        if (!lines) return Problem(lines.error(), ctx.request.request_id);
        in.lines = std::move(*lines);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto out = partners.ReverseSale(*ctx.principal.partner_id, in, ctx.principal.Actor());
        if (!out) return Problem(out.error(), ctx.request.request_id);
        const auto& r = out->reversal;
        return JsonResponse(out->replayed ? 200 : 201, {{"sale_id", out->sale_id},
                                                        {"reversal_id", r.reversal_key},
                                                        {"date", r.reversal_date},
                                                        {"amount_minor", r.amount_minor},
                                                        {"bonus_minor", r.bonus_minor},
                                                        {"taken_back", r.reward},
                                                        {"written_off", r.written_off},
                                                        {"replayed", out->replayed}});
    });

    // A file of sales (text/csv, docs/integrating-partners.md); the answer is the result file, a line per
    // row.
    router.Add("POST", "/api/v1/partner/sales/import", kPartner, [&partners](Context& ctx) {
        if (!ctx.principal.partner_id)
            return Problem(core::Error::Forbidden("this key belongs to no partner"), ctx.request.request_id);
        if (auto ct = ctx.request.Header("content-type");
            !ct || ct->find("text/csv") == std::string_view::npos)
            return Problem(core::Error::Malformed("Content-Type must be text/csv"), ctx.request.request_id);
        std::istringstream in(std::move(ctx.request.body));
        std::string out = app::kImportResultHeader;
        auto report = partners.ImportSales(
            *ctx.principal.partner_id, in,
            [&out](const app::PartnerImportRow& row) { out += app::ImportResultLine(row); }, nullptr,
            ctx.principal.Actor());
        if (!report) return Problem(report.error(), ctx.request.request_id);
        Response r = Response::Text(200, std::move(out), "text/csv; charset=utf-8");
        r.headers.emplace_back("X-Andel-Rows", std::to_string(report->rows));
        r.headers.emplace_back("X-Andel-Accepted", std::to_string(report->accepted));
        r.headers.emplace_back("X-Andel-Replayed", std::to_string(report->replayed));
        r.headers.emplace_back("X-Andel-Rejected", std::to_string(report->rejected));
        return r;
    });
}

}  // namespace andel::http
