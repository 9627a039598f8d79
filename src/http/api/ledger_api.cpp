#include "app/crypto.hpp"
#include "app/ledger/adjustment_service.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::http {
namespace {

using nlohmann::json;
constexpr int64_t kMaxAmount = 100'000'000'000;  // 1 000 000 000.00 in minor units

core::Result<app::ReceiptInput> ReadReceipt(const json& body) {
    Fields f(body);
    app::ReceiptInput in;
    in.receipt_id = f.RequiredString("receipt_id", 64);
    in.till = f.RequiredString("till", 32);
    auto when = f.RequiredString("occurred_at", 40);
    if (f.ok() && !core::ParseTimestamp(when, in.occurred_at))
        f.Fail("occurred_at", "must be an RFC 3339 time, e.g. 2026-11-23T10:15:00Z");
    in.original_receipt_id = f.OptionalString("original_receipt_id", 64);
    in.quote_id = f.OptionalString("quote_id", app::OfferService::kMaxQuoteBytes);
    if (const auto* customer = f.OptionalObject("customer")) {
        Fields c(*customer, "customer.");
        in.card = c.OptionalString("card", 16);
        in.member_number = c.OptionalString("member_number", 8);
        ANDEL_TRY(c.Finish());
    }
    if (const auto* lines = f.Array("lines", 10'000, true)) {
        for (size_t i = 0; i < lines->size(); ++i) {
            std::string prefix = "lines[" + std::to_string(i) + "].";
            if (!(*lines)[i].is_object())
                return core::Error::Malformed(prefix + " must be an object", "lines");
            Fields l((*lines)[i], prefix);
            core::ReceiptLine line;
            line.sku = l.RequiredString("sku", 64);
            line.category = l.RequiredString("category", 64);
            line.quantity = l.OptionalInt("quantity", -1'000'000, 1'000'000).value_or(1);
            line.amount_minor = l.RequiredInt("amount_minor", -kMaxAmount, kMaxAmount);
            line.discount_minor = l.OptionalInt("discount_minor", -kMaxAmount, kMaxAmount)
                                      .value_or(0);  // sign: see ValidateReceipt
            ANDEL_TRY(l.Finish());
            in.lines.push_back(std::move(line));
        }
    }
    if (const auto* tenders = f.Array("tenders", 50, true)) {
        for (size_t i = 0; i < tenders->size(); ++i) {
            std::string prefix = "tenders[" + std::to_string(i) + "].";
            if (!(*tenders)[i].is_object())
                return core::Error::Malformed(prefix + " must be an object", "tenders");
            Fields t((*tenders)[i], prefix);
            core::Tender tender;
            tender.kind = t.RequiredString("kind", 32);
            tender.amount_minor = t.RequiredInt("amount_minor", -kMaxAmount, kMaxAmount);
            // A points-shop voucher (R_BON_5): checked by the receipt service, never stored with the receipt.
            if (auto code = t.OptionalString("voucher_code", 32)) in.voucher_codes[i] = std::move(*code);
            ANDEL_TRY(t.Finish());
            in.tenders.push_back(std::move(tender));
        }
    }
    ANDEL_TRY(f.Finish());
    in.body_hash = app::Sha256Hex(Dump(body));
    return in;
}

json OutcomeJson(const app::ReceiptOutcome& o) {
    const auto& r = o.receipt;
    json j = {{"receipt_id", r.receipt_key},
              {"till", r.till},
              {"occurred_at", core::FormatTimestamp(core::FromMillis(r.occurred_at))},
              {"currency", r.currency},
              {"total_minor", r.total_minor},
              {"eligible_minor", r.eligible_minor},
              {"earned",
               {{"bonus_minor", r.bonus_minor},
                {"savings_minor", r.savings_minor},
                {"points", r.points},
                {"dividend_minor", r.dividend_minor}}},
              {"identified_by", r.identified_by ? json(*r.identified_by) : json(nullptr)},
              {"replayed", o.replayed}};
    if (o.balance) j["balance"] = {{"amount", *o.balance}, {"unit", o.balance_unit}};
    return j;
}

json SummaryJson(const app::RewardsSummary& r) {
    json expiring = json::array();
    for (const auto& e : r.expiring) expiring.push_back({{"month", e.month}, {"points", e.points}});
    json pending = json::array();
    for (const auto& p : r.pending_items)
        pending.push_back({{"partner", {{"code", p.partner_code}, {"name", p.partner_name}}},
                           {"sale_id", p.sale_id},
                           {"sale_date", p.sale_date},
                           {"available_on", p.release_on},
                           {"amount", p.amount}});
    json j = {{"member_number", r.member_number},
              {"market", r.market},
              {"household_id", r.household_id ? json(*r.household_id) : json(nullptr)},
              {"balance", {{"amount", r.balance}, {"unit", r.unit}}},
              {"pending", {{"amount", r.pending}, {"unit", r.unit}, {"items", pending}}},
              {"savings_minor", r.savings_minor},
              {"dividend_accrued_minor", r.dividend_accrued_minor},
              {"current_month", r.current_month},
              {"expiring_soon", expiring},
              {"ladder", nullptr}};
    if (r.ladder) {
        const auto& l = *r.ladder;
        auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
        j["ladder"] = {{"month_spend_minor", l.month_spend_minor},
                       {"points_this_month", l.points_this_month},
                       {"points_per_unit", l.current_points_per_unit},
                       {"next_band_from_minor", opt(l.next_band_from_minor)},
                       {"next_points_per_unit", opt(l.next_points_per_unit)},
                       {"spend_to_next_band_minor", opt(l.spend_to_next_band_minor)},
                       {"capped", l.capped}};
    }
    return j;
}

json HistoryJson(const app::HistoryPage& r) {
    json items = json::array();
    for (const auto& p : r.items) {
        json item = {{"entry_id", p.entry_id},
                     {"kind", p.source_kind},
                     {"description", p.description},
                     {"occurred_at", core::FormatTimestamp(core::FromMillis(p.occurred_at))},
                     {"amount", p.amount},
                     {"unit", r.unit}};
        if (auto it = r.partners.find(p.entry_id); it != r.partners.end())
            item["partner"] = {{"code", it->second.code},
                               {"name", it->second.name},
                               {"sale_id", it->second.sale_id},
                               {"sale_date", it->second.sale_date}};
        items.push_back(std::move(item));
    }
    return {{"items", items}, {"next_before", r.next_before ? json(*r.next_before) : json(nullptr)}};
}

}  // namespace

void AddLedgerRoutes(Router& router, Services& s) {
    // Tills post receipts (R_BON_1, R_CARD_2): idempotent on (store, receipt_id).
    router.Add("POST", "/api/v1/till/receipts", {app::kRoleTill}, [&s](Context& ctx) {
        if (!ctx.principal.store_id)
            return Problem(core::Error::Forbidden("this key belongs to no store"), ctx.request.request_id);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadReceipt(*body);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto out = s.receipts.Post(*ctx.principal.store_id, *in, ctx.principal.Actor());
        if (!out) return Problem(out.error(), ctx.request.request_id);
        if (!out->replayed) SettleCoopay(s, *ctx.principal.store_id, *in);
        return JsonResponse(out->replayed ? 200 : 201, OutcomeJson(*out));
    });

    // A store back-end uploads the day's receipts: NDJSON, one receipt per line, up to 10 000; the answer is
    // NDJSON too, one line per receipt line: {"line", "status", "receipt_id", "result" | "problem"}.
    router.Add("POST", "/api/v1/till/receipts/batch", {app::kRoleTill}, [&s](Context& ctx) {
        if (!ctx.principal.store_id)
            return Problem(core::Error::Forbidden("this key belongs to no store"), ctx.request.request_id);
        if (auto ct = ctx.request.Header("content-type"); ct && ct->find("ndjson") == std::string_view::npos)
            return Problem(core::Error::Malformed("Content-Type must be application/x-ndjson"),
                           ctx.request.request_id);
        struct Parsed {
            size_t line;
            std::string receipt_id;
            std::optional<core::Error> error;
            size_t input_index = 0;
        };
        std::vector<Parsed> parsed;
        std::vector<app::ReceiptInput> inputs;
        std::string_view body = ctx.request.body;
        size_t line_no = 0;
        while (!body.empty()) {
            size_t end = body.find('\n');
            std::string_view line = body.substr(0, end);
            body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
            ++line_no;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            if (parsed.size() >= app::ReceiptService::kMaxBatch)
                return Problem({core::ErrorCode::kTooLarge, "at most 10 000 receipts per batch", {}, {}},
                               ctx.request.request_id);
            Parsed p{line_no, {}, std::nullopt, 0};
            json j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                p.error = core::Error::Malformed("line " + std::to_string(line_no) + " is not a JSON object");
            } else {
                if (j.contains("receipt_id") && j["receipt_id"].is_string()) p.receipt_id = j["receipt_id"];
                auto in = ReadReceipt(j);
                if (!in) {
                    p.error = in.error();
                } else {
                    p.input_index = inputs.size();
                    inputs.push_back(std::move(*in));
                }
            }
            parsed.push_back(std::move(p));
        }
        if (parsed.empty())
            return Problem(core::Error::Malformed("the batch holds no receipts"), ctx.request.request_id);
        auto results = s.receipts.PostBatch(*ctx.principal.store_id, inputs, ctx.principal.Actor());
        std::string out;
        for (const auto& p : parsed) {
            json j = {{"line", p.line}, {"receipt_id", p.receipt_id}};
            const core::Error* error = p.error ? &*p.error : nullptr;
            if (!error && !results[p.input_index].ok()) error = &results[p.input_index].error();
            if (error) {
                j["status"] = core::Describe(error->code).status;
                j["problem"] = json::parse(Problem(*error).body);
            } else {
                const auto& o = results[p.input_index].value();
                if (!o.replayed) SettleCoopay(s, *ctx.principal.store_id, inputs[p.input_index]);
                j["status"] = o.replayed ? 200 : 201;
                j["result"] = OutcomeJson(o);
            }
            out += Dump(j);
            out += '\n';
        }
        return Response::Text(200, std::move(out), "application/x-ndjson");
    });

    auto paging = [](Context& ctx, int& limit, int64_t& before) -> std::optional<Response> {
        try {
            limit = static_cast<int>(std::stoll(ctx.request.Query("limit").value_or("20")));
            before = std::stoll(ctx.request.Query("before").value_or("0"));
        } catch (const std::exception&) {
            return Problem(core::Error::Malformed("limit and before must be integers"),
                           ctx.request.request_id);
        }
        return std::nullopt;
    };

    // What a member sees of the household's rewards (R_BON_8, R_BON_3, R_BON_4, R_BON_7), and the partner
    // bonus still pending (R_PART_3): for the back office by member number, for a member as /me.
    auto summary = [&s](Context& ctx, const std::string& number) {
        auto r = s.rewards.Summary(number);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, SummaryJson(*r));
    };
    auto history = [&s, paging](Context& ctx, const std::string& number) {
        int limit = 20;
        int64_t before = 0;
        if (auto bad = paging(ctx, limit, before)) return *bad;
        auto r = s.rewards.History(number, limit, before);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, HistoryJson(*r));
    };
    router.Add("GET", "/api/v1/members/{member_number}/rewards", {app::kRoleBackOffice},
               [summary](Context& ctx) { return summary(ctx, ctx.Param("member_number")); });
    router.Add("GET", "/api/v1/me/rewards", {app::auth::kRoleMember},
               [summary](Context& ctx) { return summary(ctx, ctx.principal.member_number.value_or("")); });
    router.Add("GET", "/api/v1/members/{member_number}/history", {app::kRoleBackOffice},
               [history](Context& ctx) { return history(ctx, ctx.Param("member_number")); });
    router.Add("GET", "/api/v1/me/history", {app::auth::kRoleMember},
               [history](Context& ctx) { return history(ctx, ctx.principal.member_number.value_or("")); });

    router.Add(
        "GET", "/api/v1/members/{member_number}/receipts", {app::kRoleBackOffice},
        [&s, paging](Context& ctx) {
            int limit = 20;
            int64_t before = 0;
            if (auto bad = paging(ctx, limit, before)) return *bad;
            auto r = s.rewards.Receipts(ctx.Param("member_number"), limit, before);
            if (!r) return Problem(r.error(), ctx.request.request_id);
            json items = json::array();
            for (const auto& x : r->items) {
                json lines = json::array();
                for (const auto& l : json::parse(x.lines_json))
                    lines.push_back({{"sku", l[0]},
                                     {"category", l[1]},
                                     {"quantity", l[2]},
                                     {"amount_minor", l[3]},
                                     {"discount_minor", l[4]}});
                json tenders = json::array();
                for (const auto& t : json::parse(x.tenders_json))
                    tenders.push_back({{"kind", t[0]}, {"amount_minor", t[1]}});
                items.push_back({{"id", x.id},
                                 {"receipt_id", x.receipt_key},
                                 {"occurred_at", core::FormatTimestamp(core::FromMillis(x.occurred_at))},
                                 {"currency", x.currency},
                                 {"total_minor", x.total_minor},
                                 {"eligible_minor", x.eligible_minor},
                                 {"earned",
                                  {{"bonus_minor", x.bonus_minor},
                                   {"points", x.points},
                                   {"savings_minor", x.savings_minor},
                                   {"dividend_minor", x.dividend_minor}}},
                                 {"is_return", x.original_receipt_id.has_value()},
                                 {"lines", lines},
                                 {"tenders", tenders}});
            }
            return JsonResponse(
                200,
                {{"items", items}, {"next_before", r->next_before ? json(*r->next_before) : json(nullptr)}});
        });

    // A member's household balances (R_BON_8).
    router.Add("GET", "/api/v1/members/{member_number}/balance", {app::kRoleBackOffice}, [&s](Context& ctx) {
        const auto& number = ctx.Param("member_number");
        if (!core::IsValidMemberNumber(number))
            return Problem(core::Error::Malformed("a member number has 8 digits with a valid check digit",
                                                  "member_number"),
                           ctx.request.request_id);
        auto c = s.db.Read();
        auto m = store::MembershipRepository(*c).FindMemberByNumber(number);
        if (!m) return Problem(core::Error::NotFound("no member with that number"), ctx.request.request_id);
        auto market = s.markets.find(m->market);
        std::string currency = market == s.markets.end() ? "" : market->second.currency;
        store::LedgerRepository ledger(*c);
        json accounts = json::array();
        auto add = [&](const char* kind, const char* owner_kind, int64_t owner, const std::string& unit) {
            auto acc = ledger.FindAccount({kind, owner_kind, owner, unit});
            accounts.push_back({{"kind", kind}, {"unit", unit}, {"balance", acc ? acc->balance : 0}});
        };
        if (m->household_id) {
            if (market != s.markets.end() && market->second.reward == core::RewardKind::kPoints)
                add(core::account_kind::kHouseholdPoints, "household", *m->household_id, "points");
            else
                add(core::account_kind::kHouseholdBonus, "household", *m->household_id, currency);
            if (market != s.markets.end() && market->second.reward == core::RewardKind::kBonusAndDividend)
                add(core::account_kind::kDividendAccrual, "household", *m->household_id, currency);
        }
        if (m->kind == "profile") add(core::account_kind::kSavings, "member", m->id, currency);
        return JsonResponse(200, {{"member_number", number},
                                  {"household_id", m->household_id ? json(*m->household_id) : json(nullptr)},
                                  {"accounts", accounts}});
    });

    // The back office credits or takes back a household's points or bonus by hand, with a reason (the staff
    // member and the reason are on the entry and in the member's audit trail). Idempotency-Key makes a retry
    // safe: the same body answers 200 with the first result, another body is 409.
    router.Add(
        "POST", "/api/v1/members/{member_number}/adjustments", {app::kRoleBackOffice}, [&s](Context& ctx) {
            auto key = ctx.request.Header("idempotency-key");
            if (!key || key->empty() || key->size() > 64)
                return Problem(
                    core::Error::Malformed("an Idempotency-Key header of 1 to 64 characters is required",
                                           "Idempotency-Key"),
                    ctx.request.request_id);
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            app::AdjustmentInput in;
            in.member_number = ctx.Param("member_number");
            in.amount = f.RequiredInt("amount", -app::RewardAdjustments::kMaxAmount,
                                      app::RewardAdjustments::kMaxAmount);
            in.reason = f.RequiredString("reason", app::RewardAdjustments::kMaxReason);
            in.idempotency_key = std::string(*key);
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            auto r = app::RewardAdjustments(s.db, s.clock, s.markets).Adjust(in, ctx.principal.Actor());
            if (!r) return Problem(r.error(), ctx.request.request_id);
            json lots = json::array();
            for (const auto& [month, n] : r->lots) lots.push_back({{"month", month}, {"points", n}});
            return JsonResponse(r->replayed ? 200 : 201, {{"entry_id", r->entry_id},
                                                          {"member_number", r->member_number},
                                                          {"unit", r->unit},
                                                          {"amount", r->amount},
                                                          {"balance_after", r->balance_after},
                                                          {"lots_taken", lots},
                                                          {"replayed", r->replayed}});
        });
}

}  // namespace andel::http
