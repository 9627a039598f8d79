#include "app/payments/coopay_service.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/crypto.hpp"
#include "app/jobs/job_lease.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr int64_t kMaxAmountMinor = 1'000'000'000;

PaymentMethodView MethodOf(const store::Row& r) { return {r.Int(0), r.Text(1), r.Text(2), r.Int(3)}; }

// Who pays with whose method: the member itself, or the owner of the household the member takes part in.
struct Payer {
    int64_t member_id = 0, owner_id = 0;
    bool family = false;
};

std::optional<Payer> PayerOf(store::Connection& c, int64_t member_id) {
    auto m = c.QueryOne("SELECT status FROM members WHERE id = $1", {Int(member_id)});
    if (!m || m->Text(0) != "active") return std::nullopt;
    auto hh = c.QueryOne(
        "SELECT hm.role, h.owner_member_id FROM household_members hm JOIN households h ON h.id = "
        "hm.household_id WHERE hm.member_id = $1",
        {Int(member_id)});
    if (hh && hh->Text(0) == "participant") return Payer{member_id, hh->Int(1), true};
    return Payer{member_id, member_id, false};
}

// What a family member paid in the current calendar month of their market's time zone: authorised and
// captured payments, less refunds (the owner's limit is per month, R_PAY_1).
int64_t SpentThisMonth(store::Connection& c, const std::map<std::string, core::MarketRules>& markets,
                       int64_t member_id, int64_t now) {
    auto market = c.QueryOne("SELECT market FROM members WHERE id = $1", {Int(member_id)});
    auto rules = market ? markets.find(market->Text(0)) : markets.end();
    const std::string zone = rules != markets.end() ? rules->second.time_zone : "UTC";
    const int64_t month_start = LocalMonthStartMillis(zone, LocalMonth(zone, core::FromMillis(now)));
    return c
        .QueryOne(
            "SELECT COALESCE(SUM(CASE WHEN status = 'captured' THEN captured_minor - refunded_minor ELSE "
            "amount_minor END), 0) FROM payments WHERE member_id = $1 AND created_at >= $2 AND status IN "
            "('authorising', 'authorised', 'captured', 'unknown')",
            {Int(member_id), Int(month_start)})
        ->Int(0);
}

PaymentView ViewOf(const store::Row& r) {
    PaymentView v;
    v.id = r.Int(0);
    v.store = r.Text(1);
    v.receipt_id = r.Text(2);
    v.currency = r.Text(3);
    v.status = r.Text(4);
    v.amount_minor = r.Int(5);
    v.captured_minor = r.Int(6);
    v.refunded_minor = r.Int(7);
    v.created_at = r.Int(8);
    if (r.size() > 9) v.paid_by = r.OptText(9);
    return v;
}

constexpr const char* kViewColumns =
    "p.id, s.code, p.receipt_key, p.currency, p.status, p.amount_minor, p.captured_minor, p.refunded_minor, "
    "p.created_at";

}  // namespace

std::string CoopayService::CodeHash(const std::string& code) const {
    return HmacSha256Hex(code_key_, "pay:" + code);
}

Result<PaymentMethodView> CoopayService::AddMethod(int64_t member_id, const std::string& token) {
    if (token.empty() || token.size() > 200)
        return Error::Malformed("a token is 1 to 200 characters", "token");
    {
        auto c = db_.Read();
        if (!PayerOf(*c, member_id)) return Error::Conflict("the membership has ended");
    }
    auto verified = provider_.Verify(token);
    if (verified.outcome == ProviderOutcome::kDeclined || verified.outcome == ProviderOutcome::kNotFound)
        return Error::Invalid("the payment provider does not know this token", "token");
    if (verified.outcome != ProviderOutcome::kOk)
        return Error{
            core::ErrorCode::kUnavailable, "the payment provider did not answer; try again", {}, {}, 5};
    std::string label = verified.label.empty() ? "card" : verified.label.substr(0, 60);
    return InTransaction(db_, [&](store::Connection& c) -> Result<PaymentMethodView> {
        const int64_t now = core::ToMillis(clock_.Now());
        if (c.QueryOne("SELECT COUNT(*) FROM payment_methods WHERE member_id = $1 AND status = 'active'",
                       {Int(member_id)})
                ->Int(0) >= 5)
            return Error::Invalid("at most 5 payment methods; remove one first");
        auto id =
            c.QueryOne(
                 "INSERT INTO payment_methods (member_id, token_sealed, label, status, created_at) VALUES "
                 "($1, $2, $3, 'active', $4) RETURNING id",
                 {Int(member_id), Text(sealer_.Seal(token)), Text(label), Int(now)})
                ->Int(0);
        return PaymentMethodView{id, label, "active", now};
    });
}

Result<std::vector<PaymentMethodView>> CoopayService::Methods(int64_t member_id) {
    auto c = db_.Read();
    std::vector<PaymentMethodView> out;
    for (const auto& r :
         c->Query("SELECT id, label, status, created_at FROM payment_methods WHERE member_id = $1 "
                  "AND status = 'active' ORDER BY id",
                  {Int(member_id)}))
        out.push_back(MethodOf(r));
    return out;
}

Result<void> CoopayService::RemoveMethod(int64_t member_id, int64_t method_id) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        const int64_t now = core::ToMillis(clock_.Now());
        if (c.Execute("UPDATE payment_methods SET status = 'removed', removed_at = $3 WHERE id = $1 AND "
                      "member_id = $2 AND status = 'active'",
                      {Int(method_id), Int(member_id), Int(now)}) == 0)
            return Error::NotFound("no such payment method");
        // Coopay stays active only with a method: removing the one in use deactivates it.
        c.Execute("DELETE FROM coopay_activations WHERE member_id = $1 AND method_id = $2",
                  {Int(member_id), Int(method_id)});
        return {};
    });
}

Result<CoopayStatus> CoopayService::Status(int64_t member_id) {
    auto c = db_.Read();
    auto payer = PayerOf(*c, member_id);
    if (!payer) return Error::Conflict("the membership has ended");
    CoopayStatus s;
    s.family_member = payer->family;
    if (auto a = c->QueryOne("SELECT m.id, m.label, m.status, m.created_at FROM coopay_activations a JOIN "
                             "payment_methods m ON "
                             "m.id = a.method_id WHERE a.member_id = $1",
                             {Int(payer->owner_id)})) {
        s.active = true;
        s.method = MethodOf(*a);
    }
    if (payer->family) {
        if (auto l = c->QueryOne("SELECT monthly_limit_minor FROM family_payment_limits WHERE member_id = $1",
                                 {Int(member_id)}))
            s.monthly_limit_minor = l->Int(0);
        s.spent_this_month_minor = SpentThisMonth(*c, markets_, member_id, core::ToMillis(clock_.Now()));
        if (s.method) s.method->id = 0;  // the owner's method: shown by label only
    }
    return s;
}

Result<CoopayStatus> CoopayService::Activate(int64_t member_id, int64_t method_id,
                                             const std::string& session_public_id) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        auto session = c.QueryOne("SELECT method FROM sessions WHERE public_id = $1 AND revoked_at IS NULL",
                                  {Text(session_public_id)});
        const std::string login_method = session ? session->Text(0) : "";
        auto payer = PayerOf(c, member_id);
        if (!payer) return Error::Conflict("the membership has ended");
        if (payer->family)
            return Error::Rule("R_PAY_1",
                               "a family member pays with the household owner's Coopay, within the "
                               "monthly limit the owner sets");
        if (login_method != "bankid")
            return Error::Rule("R_PAY_2", "activating Coopay needs a login with BankID");
        if (!c.QueryOne(
                "SELECT id FROM payment_methods WHERE id = $1 AND member_id = $2 AND status = 'active'",
                {Int(method_id), Int(member_id)}))
            return Error::Rule("R_PAY_2", "activating Coopay needs a payment method on file");
        const int64_t now = core::ToMillis(clock_.Now());
        c.Execute("DELETE FROM coopay_activations WHERE member_id = $1", {Int(member_id)});
        c.Execute(
            "INSERT INTO coopay_activations (member_id, method_id, activated_at, login_method) VALUES ($1, "
            "$2, "
            "$3, $4)",
            {Int(member_id), Int(method_id), Int(now), Text(login_method)});
        return true;
    });
    if (!done) return done.error();
    return Status(member_id);
}

Result<void> CoopayService::Deactivate(int64_t member_id) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        if (c.Execute("DELETE FROM coopay_activations WHERE member_id = $1", {Int(member_id)}) == 0)
            return Error::NotFound("Coopay is not active");
        return {};
    });
}

Result<PaymentCode> CoopayService::IssueCode(int64_t member_id, const std::string& session_public_id) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<PaymentCode> {
        const int64_t now = core::ToMillis(clock_.Now());
        auto payer = PayerOf(c, member_id);
        if (!payer) return Error::Conflict("the membership has ended");
        if (!c.QueryOne("SELECT member_id FROM coopay_activations WHERE member_id = $1",
                        {Int(payer->owner_id)}))
            return Error::Rule("R_PAY_2", payer->family
                                              ? "the household owner has not activated Coopay"
                                              : "activate Coopay first (BankID and a payment method)");
        if (payer->family &&
            !c.QueryOne(
                "SELECT 1 FROM family_payment_limits WHERE member_id = $1 AND monthly_limit_minor > 0",
                {Int(member_id)}))
            return Error::Rule("R_PAY_1", "the household owner has not given you a monthly limit");
        auto session = c.QueryOne(
            "SELECT id FROM sessions WHERE public_id = $1 AND revoked_at IS NULL AND expires_at > $2",
            {Text(session_public_id), Int(now)});
        if (!session) return Error::Unauthenticated("log in again");
        // 8 random digits, different from every code still valid (the till keys it in).
        for (int attempt = 0; attempt < 10; ++attempt) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%08u", static_cast<unsigned>(randombytes_uniform(100'000'000)));
            std::string code = buf;
            auto hash = CodeHash(code);
            if (c.QueryOne("SELECT 1 FROM payment_codes WHERE code_hash = $1 AND used_at IS NULL AND "
                           "expires_at > $2",
                           {Text(hash), Int(now)}))
                continue;
            c.Execute(
                "INSERT INTO payment_codes (code_hash, member_id, session_id, created_at, expires_at) VALUES "
                "($1, $2, $3, $4, $5)",
                {Text(hash), Int(member_id), Int(session->Int(0)), Int(now), Int(now + kCodeValidityMs)});
            return PaymentCode{code, "andel-pay:" + code, now + kCodeValidityMs};
        }
        return Error{core::ErrorCode::kUnavailable, "no free payment code; try again", {}, {}, 1};
    });
}

Result<CoopayStatus> CoopayService::SetFamilyLimit(int64_t owner_member_id, const std::string& member_number,
                                                   int64_t monthly_limit_minor) {
    if (monthly_limit_minor < 0 || monthly_limit_minor > kMaxAmountMinor)
        return Error::Malformed("a monthly limit is 0 to 1 000 000 000 minor units", "monthly_limit_minor");
    int64_t participant = 0;
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        auto p = c.QueryOne(
            "SELECT m.id FROM members m JOIN household_members hm ON hm.member_id = m.id JOIN households h "
            "ON "
            "h.id = hm.household_id WHERE m.member_number = $1 AND hm.role = 'participant' AND "
            "h.owner_member_id "
            "= $2 AND m.status = 'active'",
            {Text(member_number), Int(owner_member_id)});
        if (!p) return Error::NotFound("no family member with that number in your household");
        participant = p->Int(0);
        const int64_t now = core::ToMillis(clock_.Now());
        c.Execute("DELETE FROM family_payment_limits WHERE member_id = $1", {Int(participant)});
        c.Execute(
            "INSERT INTO family_payment_limits (member_id, owner_member_id, monthly_limit_minor, updated_at) "
            "VALUES ($1, $2, $3, $4)",
            {Int(participant), Int(owner_member_id), Int(monthly_limit_minor), Int(now)});
        return true;
    });
    if (!done) return done.error();
    return Status(participant);
}

Result<PaymentView> CoopayService::Redeem(int64_t store_id, const RedeemInput& in) {
    if (in.code.size() != 8 || in.code.find_first_not_of("0123456789") != std::string::npos)
        return Error::Malformed("a payment code has 8 digits", "code");
    if (in.receipt_id.empty() || in.receipt_id.size() > 64)
        return Error::Malformed("a receipt id is 1 to 64 characters", "receipt_id");
    if (in.amount_minor <= 0 || in.amount_minor > kMaxAmountMinor)
        return Error::Malformed("the amount is 1 to 1 000 000 000 minor units", "amount_minor");
    // The request's keyed hash: a replay is told from a clash without the code being stored (R_PRIV_5).
    const std::string body_hash =
        HmacSha256Hex(code_key_, "redeem:" + in.code + "/" + std::to_string(in.amount_minor));
    struct Started {
        PaymentView view;
        std::string token;
        bool replay = false;
    };
    auto started = InTransaction(db_, [&](store::Connection& c) -> Result<Started> {
        const int64_t now = core::ToMillis(clock_.Now());
        const std::string select = std::string("SELECT ") + kViewColumns +
                                   ", p.body_hash FROM payments p JOIN stores s ON s.id = p.store_id WHERE "
                                   "p.store_id = $1 AND p.receipt_key = $2";
        if (auto seen = c.QueryOne(select, {Int(store_id), Text(in.receipt_id)})) {
            if (seen->Text(9) != body_hash)
                return Error::Conflict("receipt " + in.receipt_id +
                                       " has a Coopay payment with another request");
            Started s;
            s.view = ViewOf(*seen);
            s.view.paid_by.reset();
            s.view.replayed = true;
            s.replay = true;
            return s;
        }
        auto code = c.QueryOne(
            "SELECT pc.id, pc.member_id, s.revoked_at, s.expires_at FROM payment_codes pc JOIN sessions s ON "
            "s.id = "
            "pc.session_id WHERE pc.code_hash = $1 AND pc.used_at IS NULL AND pc.expires_at > $2 ORDER BY "
            "pc.id "
            "DESC LIMIT 1",
            {Text(CodeHash(in.code)), Int(now)});
        if (!code)
            return Error::Rule("R_PAY_1", "the payment code is unknown, used or older than 60 seconds");
        c.Execute("UPDATE payment_codes SET used_at = $2 WHERE id = $1", {Int(code->Int(0)), Int(now)});
        if (!code->IsNull(2) || code->Int(3) <= now)
            return Error::Rule("R_PAY_1", "the payment code is void: the app's session has ended");
        const int64_t member_id = code->Int(1);
        auto payer = PayerOf(c, member_id);
        if (!payer) return Error::Rule("R_PAY_1", "the membership has ended");
        auto method = c.QueryOne(
            "SELECT m.id, m.token_sealed FROM coopay_activations a JOIN payment_methods m ON m.id = "
            "a.method_id "
            "WHERE a.member_id = $1 AND m.status = 'active'",
            {Int(payer->owner_id)});
        if (!method) return Error::Rule("R_PAY_2", "Coopay is not active");
        if (payer->family) {
            auto limit =
                c.QueryOne("SELECT monthly_limit_minor FROM family_payment_limits WHERE member_id = $1",
                           {Int(member_id)});
            int64_t spent = SpentThisMonth(c, markets_, member_id, now);
            if (!limit || spent + in.amount_minor > limit->Int(0))
                return Error::Rule("R_PAY_1", "over the monthly limit the household owner set (" +
                                                  std::to_string(limit ? limit->Int(0) - spent : 0) +
                                                  " left)");
        }
        auto store = c.QueryOne(
            "SELECT s.code, co.market FROM stores s JOIN cooperatives co ON co.id = s.cooperative_id WHERE "
            "s.id = $1",
            {Int(store_id)});
        if (!store) return Error::NotFound("no such store");
        auto market = markets_.find(store->Text(1));
        if (market == markets_.end()) return Error::Invalid("the store's market is not enabled");
        auto token = sealer_.Open(method->Text(1));
        if (!token)
            return Error{
                core::ErrorCode::kInternal, "a payment method cannot be opened with this key", {}, {}};
        auto id =
            c.QueryOne(
                 "INSERT INTO payments (store_id, receipt_key, member_id, owner_member_id, method_id, "
                 "code_id, "
                 "currency, amount_minor, status, body_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, "
                 "$5, $6, $7, $8, 'authorising', $9, $10, $10) RETURNING id",
                 {Int(store_id), Text(in.receipt_id), Int(member_id), Int(payer->owner_id),
                  Int(method->Int(0)), Int(code->Int(0)), Text(market->second.currency), Int(in.amount_minor),
                  Text(body_hash), Int(now)})
                ->Int(0);
        Started s;
        s.view = {id,
                  store->Text(0),
                  in.receipt_id,
                  market->second.currency,
                  "authorising",
                  in.amount_minor,
                  0,
                  0,
                  std::nullopt,
                  now,
                  false};
        s.token = *token;
        return s;
    });
    if (!started) return started.error();
    if (started->replay) return started->view;
    PaymentView view = started->view;
    // Outside any transaction: the provider may take seconds.
    auto answer = provider_.Authorise(started->token, view.amount_minor, view.currency,
                                      "payment:" + std::to_string(view.id));
    std::string status = answer.outcome == ProviderOutcome::kOk         ? "authorised"
                         : answer.outcome == ProviderOutcome::kDeclined ? "declined"
                                                                        : "unknown";
    auto updated = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        c.Execute(
            "UPDATE payments SET status = $2, provider_id = $3, decline_reason = $4, updated_at = $5 WHERE "
            "id = "
            "$1 AND status = 'authorising'",
            {Int(view.id), Text(status), answer.id.empty() ? store::Null() : Text(answer.id),
             answer.outcome == ProviderOutcome::kDeclined ? Text(answer.reason.substr(0, 200))
                                                          : store::Null(),
             Int(core::ToMillis(clock_.Now()))});
        return true;
    });
    if (!updated) return updated.error();
    view.status = status;
    if (status == "declined")
        return Error::Rule("R_PAY_1", "the payment was declined by the card's bank: take another tender");
    if (status == "unknown")
        return Error{core::ErrorCode::kUnavailable,
                     "the payment provider did not answer: take another tender (nothing will be charged)",
                     {},
                     {},
                     0};
    return view;
}

Result<void> CoopayService::SettleReceipt(int64_t store_id, const std::string& receipt_id,
                                          int64_t mobile_minor) {
    std::optional<std::pair<int64_t, std::string>> open;
    int64_t amount = 0;
    {
        auto c = db_.Read();
        auto p = c->QueryOne(
            "SELECT id, provider_id, amount_minor FROM payments WHERE store_id = $1 AND receipt_key = $2 AND "
            "status "
            "= 'authorised'",
            {Int(store_id), Text(receipt_id)});
        if (!p) return {};
        open = std::make_pair(p->Int(0), p->Text(1));
        amount = p->Int(2);
    }
    const int64_t take = std::min(amount, std::max<int64_t>(mobile_minor, 0));
    auto answer = take > 0 ? provider_.Capture(open->second, take) : provider_.Void(open->second);
    if (answer.outcome != ProviderOutcome::kOk)
        return Error{core::ErrorCode::kUnavailable, "capture failed; Reconcile() retries", {}, {}, 5};
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        c.Execute(
            "UPDATE payments SET status = $2, captured_minor = $3, updated_at = $4 WHERE id = $1 AND status "
            "= "
            "'authorised'",
            {Int(open->first), Text(take > 0 ? "captured" : "voided"), Int(take),
             Int(core::ToMillis(clock_.Now()))});
        return {};
    });
}

Result<void> CoopayService::RefundReturn(int64_t store_id, const std::string& original_receipt_id,
                                         const std::string& return_receipt_id, int64_t amount_minor) {
    if (amount_minor <= 0) return {};
    struct Pending {
        int64_t refund_id = 0;
        std::string provider_id;
    };
    auto pending = InTransaction(db_, [&](store::Connection& c) -> Result<std::optional<Pending>> {
        auto p = c.QueryOne(
            "SELECT id, provider_id, captured_minor - refunded_minor FROM payments WHERE store_id = $1 AND "
            "receipt_key = $2 AND status = 'captured'",
            {Int(store_id), Text(original_receipt_id)});
        if (!p) return std::optional<Pending>();
        if (c.QueryOne("SELECT 1 FROM payment_refunds WHERE store_id = $1 AND receipt_key = $2",
                       {Int(store_id), Text(return_receipt_id)}))
            return std::optional<Pending>();  // refunded (or being refunded) for this return already
        const int64_t amount = std::min(amount_minor, p->Int(2));
        if (amount <= 0) return std::optional<Pending>();
        auto id =
            c.QueryOne(
                 "INSERT INTO payment_refunds (payment_id, store_id, receipt_key, amount_minor, status, "
                 "created_at) VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
                 {Int(p->Int(0)), Int(store_id), Text(return_receipt_id), Int(amount),
                  Int(core::ToMillis(clock_.Now()))})
                ->Int(0);
        c.Execute("UPDATE payments SET refunded_minor = refunded_minor + $2, updated_at = $3 WHERE id = $1",
                  {Int(p->Int(0)), Int(amount), Int(core::ToMillis(clock_.Now()))});
        return std::optional<Pending>(Pending{id, p->Text(1)});
    });
    if (!pending) return pending.error();
    if (!*pending) return {};
    auto amount = [&] {
        auto c = db_.Read();
        return c
            ->QueryOne("SELECT amount_minor FROM payment_refunds WHERE id = $1", {Int((*pending)->refund_id)})
            ->Int(0);
    }();
    auto answer =
        provider_.Refund((*pending)->provider_id, amount, "refund:" + std::to_string((*pending)->refund_id));
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        c.Execute(
            "UPDATE payment_refunds SET status = $2 WHERE id = $1",
            {Int((*pending)->refund_id), Text(answer.outcome == ProviderOutcome::kOk ? "done" : "failed")});
        return {};
    });
}

Result<std::vector<PaymentView>> CoopayService::History(int64_t member_id, int limit) {
    limit = std::clamp(limit, 1, 200);
    auto c = db_.Read();
    std::vector<PaymentView> out;
    for (const auto& r :
         c->Query(std::string("SELECT ") + kViewColumns +
                      ", CASE WHEN p.member_id <> $1 THEN m.member_number END FROM payments p JOIN "
                      "stores s ON s.id = p.store_id JOIN members m ON m.id = p.member_id WHERE "
                      "p.member_id = $1 OR p.owner_member_id = $1 ORDER BY p.id DESC LIMIT $2",
                  {Int(member_id), Int(limit)}))
        out.push_back(ViewOf(r));
    return out;
}

Result<ReconcileReport> CoopayService::Reconcile() {
    ReconcileReport report;
    const int64_t now = core::ToMillis(clock_.Now());
    auto lease = JobLease::Take(db_, "coopay-reconcile", now, 5 * 60 * 1000);
    if (!lease) return lease.error();
    std::optional<JobLease> held(std::move(*lease));
    LeaseGuard guard(db_, held);
    struct Open {
        int64_t id, store_id, updated_at;
        std::string status, receipt_key;
        std::optional<std::string> provider_id;
    };
    std::vector<Open> open;
    {
        auto c = db_.Read();
        for (const auto& r :
             c->Query("SELECT id, store_id, updated_at, status, receipt_key, provider_id FROM payments "
                      "WHERE status IN ('authorising', 'authorised', 'unknown') ORDER BY id LIMIT 1000"))
            open.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.OptText(5)});
    }
    for (const auto& p : open) {
        std::optional<std::string> receipt_tenders;
        {
            auto c = db_.Read();
            if (auto r = c->QueryOne("SELECT tenders FROM receipts WHERE store_id = $1 AND receipt_key = $2",
                                     {Int(p.store_id), Text(p.receipt_key)}))
                receipt_tenders = r->Text(0);
        }
        if (p.status == "authorised" && receipt_tenders) {
            // The receipt came but its capture did not: capture it now from its mobile tenders.
            auto tenders = nlohmann::json::parse(*receipt_tenders, nullptr, false);
            int64_t mobile = 0;
            if (tenders.is_array())
                for (const auto& t : tenders)
                    if (t.is_array() && t.size() >= 2 && t[0] == "mobile" && t[1].is_number_integer())
                        mobile += t[1].get<int64_t>();
            if (SettleReceipt(p.store_id, p.receipt_key, mobile)) ++report.captured;
            continue;
        }
        const bool stale = now - p.updated_at >= kUncapturedVoidAfterMs;
        if (p.status == "authorised" && !stale) {
            ++report.still_open;
            continue;
        }
        // 'authorising' or 'unknown' (the answer was lost), or authorised long ago without a receipt: find it
        // at the provider by our reference and void it, so nothing is taken without a receipt.
        if (p.status != "authorised" && now - p.updated_at < 60'000) {
            ++report.still_open;  // may still be on its way
            continue;
        }
        std::optional<std::string> provider_id = p.provider_id;
        bool gone = false;
        if (!provider_id) {
            auto found = provider_.Lookup("payment:" + std::to_string(p.id));
            if (found.outcome == ProviderOutcome::kOk) provider_id = found.id;
            gone = found.outcome == ProviderOutcome::kNotFound;
            if (!provider_id && !gone) {
                ++report.still_open;
                continue;
            }
        }
        if (provider_id) {
            auto voided = provider_.Void(*provider_id);
            if (voided.outcome != ProviderOutcome::kOk) {
                ++report.still_open;
                continue;
            }
        }
        auto done = InTransaction(db_, [&](store::Connection& w) -> Result<bool> {
            w.Execute(
                "UPDATE payments SET status = 'voided', provider_id = COALESCE(provider_id, $2), updated_at "
                "= $3 "
                "WHERE id = $1 AND status = $4",
                {Int(p.id), provider_id ? Text(*provider_id) : store::Null(), Int(now), Text(p.status)});
            return true;
        });
        if (done) ++report.voided;
    }
    return report;
}

}  // namespace andel::app
