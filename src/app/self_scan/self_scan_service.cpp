#include "app/self_scan/self_scan_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/crypto.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/catalogue/ean.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using nlohmann::json;

constexpr std::string_view kColumns =
    "SELECT x.id, x.session_key, x.store_id, s.code, x.member_id, m.member_number, x.device, x.status, "
    "x.items, "
    "x.started_at, x.finished_at, x.scanned_total_minor, x.audit_probability_ppm, x.audit_selected, "
    "x.audited_total_minor, x.discrepancy_minor, x.receipt_id, r.receipt_key, co.market FROM "
    "self_scan_sessions x "
    "JOIN stores s ON s.id = x.store_id JOIN cooperatives co ON co.id = s.cooperative_id JOIN members m ON "
    "m.id = "
    "x.member_id LEFT JOIN receipts r ON r.id = x.receipt_id ";

int64_t LineAmount(const store::ProductRecord& p, int64_t quantity) {
    if (!p.weighed) return p.unit_price_minor * quantity;
    // Price per kg, quantity in grams: half-even at the minor unit.
    __int128 num = static_cast<__int128>(p.unit_price_minor) * quantity;
    int64_t q = static_cast<int64_t>(num / 1000), r = static_cast<int64_t>(num % 1000);
    if (r * 2 > 1000 || (r * 2 == 1000 && q % 2 != 0)) ++q;
    return q;
}

json ItemsJson(const std::vector<ScanItem>& items) {
    json j = json::array();
    for (const auto& i : items) j.push_back({i.ean, i.quantity});
    return j;
}

}  // namespace

Result<SelfScanRight> SelfScanService::RightOf(store::Connection& c, int64_t member_id) {
    auto m = store::MembershipRepository(c).FindMember(member_id);
    if (!m || m->status != "active") return Error::NotFound("no active membership");
    SelfScanRight out;
    if (m->kind != "member") {
        out.status = "not_a_member";
        return out;
    }
    auto rules = markets_.find(m->market);
    core::Date birth;
    if (rules == markets_.end() || !core::ParseDate(m->person.birth_date, birth))
        return Error{core::ErrorCode::kInternal, "member without a market or birth date", {}, {}};
    if (core::AgeOn(birth, LocalDate(rules->second.time_zone, clock_.Now())) <
        rules->second.self_scan_min_age) {
        out.status = "too_young";
        return out;
    }
    out.status = "active";
    if (auto r = c.QueryOne(
            "SELECT status, reason, changed_by, changed_at FROM self_scan_rights WHERE member_id = $1",
            {store::Int(member_id)})) {
        out.status = r->Text(0);
        out.reason = r->Text(1);
        out.changed_by = r->Text(2);
        out.changed_at = r->Int(3);
    }
    out.allowed = out.status == "active";
    return out;
}

Result<SelfScanRight> SelfScanService::Right(const std::string& member_number) {
    auto c = db_.Read();
    auto m = store::MembershipRepository(*c).FindMemberByNumber(member_number);
    if (!m) return Error::NotFound("no member " + member_number);
    return RightOf(*c, m->id);
}

Result<SelfScanRight> SelfScanService::SetRight(const std::string& member_number, const std::string& status,
                                                const std::string& reason, const std::string& actor,
                                                bool by_operator) {
    if (status != "active" && status != "deactivated" && status != "revoked")
        return Error::Invalid("status is active, deactivated or revoked", "status");
    if (reason.empty() || reason.size() > 500)
        return Error::Invalid("a reason of 1-500 characters", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<SelfScanRight> {
        auto m = store::MembershipRepository(c).FindMemberByNumber(member_number);
        if (!m) return Error::NotFound("no member " + member_number);
        auto now_right = RightOf(c, m->id);
        if (!now_right) return now_right.error();
        if (status == "revoked" && !by_operator)
            return Error::Rule("R_SCAN_5", "only the operator revokes the right, after review");
        if (status == "active" && now_right->status == "revoked" && !by_operator)
            return Error::Rule("R_SCAN_5", "a revoked right is restored only by the operator");
        c.Execute(
            "INSERT INTO self_scan_rights (member_id, status, reason, changed_by, changed_at) VALUES ($1, "
            "$2, $3, $4, "
            "$5) ON CONFLICT (member_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, "
            "changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            {store::Int(m->id), store::Text(status), store::Text(reason), store::Text(actor),
             store::Int(core::ToMillis(clock_.Now()))});
        return RightOf(c, m->id);
    });
}

Result<void> SelfScanService::SetStore(const std::string& store_code, bool enabled) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        if (c.Execute("UPDATE stores SET self_scan = $2 WHERE code = $1",
                      {store::Text(store_code), store::Int(enabled ? 1 : 0)}) == 0)
            return Error::NotFound("no store " + store_code);
        return {};
    });
}

Result<ScanSession> SelfScanService::StartFor(int64_t store_id, int64_t member_id,
                                              const std::string& device) {
    auto id = InTransaction(db_, [&](store::Connection& c) -> Result<std::string> {
        auto st = c.QueryOne(
            "SELECT s.self_scan, co.market FROM stores s JOIN cooperatives co ON co.id = s.cooperative_id "
            "WHERE s.id = "
            "$1",
            {store::Int(store_id)});
        if (!st) return Error::NotFound("no such store");
        if (!st->Bool(0)) return Error::Rule("R_SCAN_1", "this store does not offer self-scanning");
        auto right = RightOf(c, member_id);
        if (!right) return right.error();
        if (right->status == "not_a_member") return Error::Rule("R_SCAN_1", "self-scanning is for members");
        if (right->status == "too_young")
            return Error::Rule("R_SCAN_1", "self-scanning is for members of 18 or more");
        if (!right->allowed)
            return Error::Rule("R_SCAN_5", "the self-scanning right is " + right->status +
                                               (right->reason ? ": " + *right->reason : std::string()));
        auto market = c.QueryOne("SELECT market FROM members WHERE id = $1", {store::Int(member_id)});
        if (!market || market->Text(0) != st->Text(1))
            return Error::Invalid("the member belongs to another market", "card");
        if (auto open = c.QueryOne(
                "SELECT session_key FROM self_scan_sessions WHERE member_id = $1 AND status = 'open'",
                {store::Int(member_id)}))
            return Error::Conflict("the member has an open session " + open->Text(0) +
                                   ": finish or cancel it first");
        std::string key = "ss_" + RandomHex(16);
        c.Execute(
            "INSERT INTO self_scan_sessions (session_key, store_id, member_id, device, status, items, "
            "started_at) "
            "VALUES ($1, $2, $3, $4, 'open', '[]', $5)",
            {store::Text(key), store::Int(store_id), store::Int(member_id), store::Text(device),
             store::Int(core::ToMillis(clock_.Now()))});
        return key;
    });
    if (!id) return id.error();
    return Get(*id, {store_id, std::nullopt});
}

Result<ScanSession> SelfScanService::Start(int64_t store_id, const std::string& card,
                                           const std::string& device) {
    if (device != "hand_scanner" && device != "app")
        return Error::Invalid("device is hand_scanner or app", "device");
    std::optional<int64_t> member_id;
    {
        auto c = db_.Read();
        if (auto m = store::MembershipRepository(*c).FindMemberByCard(card)) member_id = m->id;
    }
    if (!member_id) return Error::NotFound("no active card with that number");
    return StartFor(store_id, *member_id, device);
}

Result<ScanSession> SelfScanService::StartInApp(int64_t member_id, const std::string& store_code) {
    std::optional<int64_t> store_id;
    {
        auto c = db_.Read();
        if (auto s = store::MembershipRepository(*c).FindStoreByCode(store_code)) store_id = s->id;
    }
    if (!store_id) return Error::Invalid("no store " + store_code, "store");
    return StartFor(*store_id, member_id, "app");
}

Result<ScanSession> SelfScanService::Load(store::Connection& c, const std::string& key,
                                          const ScanAccess& who) {
    auto r = c.QueryOne(std::string(kColumns) + "WHERE x.session_key = $1", {store::Text(key)});
    // Another store's or member's session is not theirs to see: the same answer as none.
    if (!r || (who.store_id && r->Int(2) != *who.store_id) || (who.member_id && r->Int(4) != *who.member_id))
        return Error::NotFound("no self-scan session " + key);
    ScanSession s;
    s.id = r->Int(0);
    s.key = r->Text(1);
    s.store_id = r->Int(2);
    s.store_code = r->Text(3);
    s.member_id = r->Int(4);
    s.member_number = r->OptText(5);
    s.device = r->Text(6);
    s.status = r->Text(7);
    s.started_at = r->Int(9);
    s.finished_at = r->OptInt(10);
    s.scanned_total_minor = r->OptInt(11);
    s.audit_probability_ppm = r->OptInt(12);
    if (auto sel = r->OptInt(13)) s.audit_selected = *sel != 0;
    s.audited_total_minor = r->OptInt(14);
    s.discrepancy_minor = r->OptInt(15);
    s.receipt_row_id = r->OptInt(16);
    s.receipt_id = r->OptText(17);
    const std::string market = r->Text(18);
    json items = json::parse(r->Text(8), nullptr, false);
    std::vector<std::string> eans;
    if (items.is_array())
        for (const auto& i : items) eans.push_back(i[0].get<std::string>());
    std::map<std::string, store::ProductRecord> products;
    for (auto& p : store::CatalogueRepository(c).FindProducts(market, eans))
        products.emplace(p.ean, std::move(p));
    if (items.is_array())
        for (const auto& i : items) {
            ScanItem item;
            item.ean = i[0].get<std::string>();
            item.quantity = i[1].get<int64_t>();
            if (auto p = products.find(item.ean); p != products.end()) item.product = p->second;
            item.amount_minor = LineAmount(item.product, item.quantity);
            s.total_minor += item.amount_minor;
            s.items.push_back(std::move(item));
        }
    return s;
}

Result<ScanSession> SelfScanService::Get(const std::string& key, const ScanAccess& who) {
    auto c = db_.Read();
    return Load(*c, key, who);
}

Result<ScanSession> SelfScanService::AddItem(const std::string& key, const ScanAccess& who,
                                             const std::string& ean_in, int64_t quantity) {
    auto ean = core::NormaliseEan(ean_in);
    if (!ean) return Error::Invalid("not a valid EAN/GTIN", "ean");
    if (quantity < 1 || quantity > 100'000) return Error::Invalid("a quantity of 1 to 100 000", "quantity");
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        auto s = Load(c, key, who);
        if (!s) return s.error();
        if (s->status != "open") return Error::Conflict("the session is " + s->status);
        auto market = store::MembershipRepository(c).StoreMarket(s->store_id).value_or("");
        store::CatalogueRepository catalogue(c);
        auto p = catalogue.FindProduct(market, *ean);
        if (!p || !p->active) return Error::NotFound("no product " + *ean + " in the catalogue");
        if (!catalogue.SoldIn(*p, s->store_id))
            return Error::Invalid("this store does not sell " + p->name, "ean");
        auto items = s->items;
        auto it = std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.ean == *ean; });
        if (it != items.end() && !p->weighed) {
            it->quantity += quantity;
        } else {
            if (items.size() >= kMaxItems)
                return Error::Invalid("at most 500 products in one session", "ean");
            items.push_back({*ean, quantity, *p, 0});
        }
        c.Execute("UPDATE self_scan_sessions SET items = $2 WHERE id = $1",
                  {store::Int(s->id), store::Text(ItemsJson(items).dump())});
        return s->id;
    });
    if (!done) return done.error();
    return Get(key, who);
}

Result<ScanSession> SelfScanService::RemoveItem(const std::string& key, const ScanAccess& who,
                                                const std::string& ean_in) {
    auto ean = core::NormaliseEan(ean_in).value_or(ean_in);
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        auto s = Load(c, key, who);
        if (!s) return s.error();
        if (s->status != "open") return Error::Conflict("the session is " + s->status);
        auto items = s->items;
        // The last scan of that product goes (for a weighed product, one weighing).
        auto it = std::find_if(items.rbegin(), items.rend(), [&](const auto& i) { return i.ean == ean; });
        if (it == items.rend()) return Error::NotFound("no " + ean + " in the session");
        items.erase(std::next(it).base());
        c.Execute("UPDATE self_scan_sessions SET items = $2 WHERE id = $1",
                  {store::Int(s->id), store::Text(ItemsJson(items).dump())});
        return s->id;
    });
    if (!done) return done.error();
    return Get(key, who);
}

Result<ScanSession> SelfScanService::Cancel(const std::string& key, const ScanAccess& who) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        auto s = Load(c, key, who);
        if (!s) return s.error();
        if (s->status != "open") return Error::Conflict("the session is " + s->status);
        c.Execute("UPDATE self_scan_sessions SET status = 'cancelled', finished_at = $2 WHERE id = $1",
                  {store::Int(s->id), store::Int(core::ToMillis(clock_.Now()))});
        return s->id;
    });
    if (!done) return done.error();
    return Get(key, who);
}

Result<Quote> SelfScanService::PriceItems(const ScanSession& s, const std::vector<ScanItem>& items) {
    BasketInput in;
    in.member_number = s.member_number;
    for (const auto& i : items)
        in.lines.push_back({i.ean, i.product.category_code, i.quantity, i.amount_minor});
    return offers_.Price(s.store_id, in);
}

Result<ReceiptOutcome> SelfScanService::PostReceipt(const ScanSession& s, const std::vector<ScanItem>& items,
                                                    const Quote& q, const std::string& tender) {
    ReceiptInput r;
    r.receipt_id = "self-scan-" + std::to_string(s.id);
    r.till = "self-scan";
    r.occurred_at = clock_.Now();
    r.member_number = s.member_number;
    int64_t paid = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        r.lines.push_back({items[i].ean, items[i].product.category_code, items[i].quantity,
                           items[i].amount_minor, q.priced.lines[i].discount_minor});
        paid += items[i].amount_minor - q.priced.lines[i].discount_minor;
    }
    r.tenders.push_back({tender, paid});
    r.quote_id = q.quote_id;
    // The session and what was counted, not the quote: finishing again after a failure replays the receipt.
    r.body_hash = Sha256Hex(s.key + ItemsJson(items).dump() + tender);
    return receipts_.Post(s.store_id, r, "self-scan:" + s.key);
}

Result<FinishOutcome> SelfScanService::Finish(const std::string& key, const ScanAccess& who,
                                              const std::string& tender) {
    if (tender != "card" && tender != "cash") return Error::Invalid("tender is card or cash", "tender");
    auto s = Get(key, who);
    if (!s) return s.error();
    if (s->status != "open") return Error::Conflict("the session is " + s->status);
    if (s->items.empty()) return Error::Invalid("nothing was scanned (R_SCAN_2)", "items");
    auto q = PriceItems(*s, s->items);
    if (!q) return q.error();
    const int64_t scanned = q->priced.total_minor - q->priced.discount_minor;
    const int64_t now = core::ToMillis(clock_.Now());

    // R_SCAN_4: the member's recorded discrepancies, by age, raise the chance of an audit.
    std::vector<double> ages;
    {
        auto c = db_.Read();
        for (const auto& r : c->Query(
                 "SELECT audited_at FROM self_scan_sessions WHERE member_id = $1 AND discrepancy_minor <> 0",
                 {store::Int(s->member_id)}))
            ages.push_back(static_cast<double>(now - r.Int(0)) / 86'400'000.0);
    }
    const int64_t p = core::AuditProbabilityPpm(policy_, ages);
    const bool audit = core::AuditChosen(policy_.seed, s->id, p);
    FinishOutcome out;
    if (!audit) {
        auto receipt = PostReceipt(*s, s->items, *q, tender);
        if (!receipt) return receipt.error();
        out.receipt = *receipt;
    }
    auto saved = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        return c.Execute(
            "UPDATE self_scan_sessions SET status = $2, finished_at = $3, scanned_total_minor = $4, "
            "audit_probability_ppm = $5, audit_selected = $6, tender = $7, receipt_id = $8 WHERE id = $1 AND "
            "status = "
            "'open'",
            {store::Int(s->id), store::Text(audit ? "awaiting_audit" : "completed"), store::Int(now),
             store::Int(scanned), store::Int(p), store::Int(audit ? 1 : 0), store::Text(tender),
             out.receipt ? store::Int(out.receipt->receipt.id) : store::Null()});
    });
    if (!saved) return saved.error();
    out.quote = *q;
    auto after = Get(key, who);
    if (!after) return after.error();
    out.session = *after;
    return out;
}

Result<std::vector<ScanSession>> SelfScanService::AwaitingAudit(int64_t store_id) {
    auto c = db_.Read();
    std::vector<ScanSession> out;
    for (const auto& r : c->Query("SELECT session_key FROM self_scan_sessions WHERE store_id = $1 AND status "
                                  "= 'awaiting_audit' ORDER BY "
                                  "finished_at, id",
                                  {store::Int(store_id)})) {
        auto s = Load(*c, r.Text(0), {store_id, std::nullopt});
        if (s) out.push_back(*s);
    }
    return out;
}

Result<FinishOutcome> SelfScanService::RecordAudit(
    const std::string& key, int64_t store_id, const std::vector<std::pair<std::string, int64_t>>& counted,
    const std::string& staff) {
    if (staff.empty() || staff.size() > 64) return Error::Invalid("who audited, 1-64 characters", "staff");
    auto s = Get(key, {store_id, std::nullopt});
    if (!s) return s.error();
    if (s->status != "awaiting_audit")
        return Error::Conflict("the session is " + s->status + ", not awaiting an audit");
    // The counted items, priced from the catalogue as the scan was.
    std::vector<ScanItem> items;
    {
        auto c = db_.Read();
        auto market = store::MembershipRepository(*c).StoreMarket(store_id).value_or("");
        store::CatalogueRepository catalogue(*c);
        for (size_t i = 0; i < counted.size(); ++i) {
            auto ean = core::NormaliseEan(counted[i].first);
            std::string field = "items[" + std::to_string(i) + "]";
            if (!ean) return Error::Invalid("not a valid EAN/GTIN", field);
            if (counted[i].second < 1 || counted[i].second > 100'000)
                return Error::Invalid("a quantity of 1 to 100 000", field);
            auto p = catalogue.FindProduct(market, *ean);
            if (!p) return Error::NotFound("no product " + *ean + " in the catalogue");
            items.push_back({*ean, counted[i].second, *p, LineAmount(*p, counted[i].second)});
        }
    }
    if (items.empty()) return Error::Invalid("an audit counts at least one item", "items");
    auto q = PriceItems(*s, items);
    if (!q) return q.error();
    const int64_t audited = q->priced.total_minor - q->priced.discount_minor;
    const int64_t discrepancy = audited - s->scanned_total_minor.value_or(0);
    std::string tender = "card";
    {
        auto c = db_.Read();
        if (auto t = c->QueryOne("SELECT tender FROM self_scan_sessions WHERE id = $1", {store::Int(s->id)}))
            tender = t->OptText(0).value_or("card");
    }
    auto receipt = PostReceipt(*s, items, *q, tender);
    if (!receipt) return receipt.error();
    auto saved = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        return c.Execute(
            "UPDATE self_scan_sessions SET status = 'completed', audited_items = $2, audited_total_minor = "
            "$3, "
            "discrepancy_minor = $4, audited_by = $5, audited_at = $6, receipt_id = $7 WHERE id = $1",
            {store::Int(s->id), store::Text(ItemsJson(items).dump()), store::Int(audited),
             store::Int(discrepancy), store::Text(staff), store::Int(core::ToMillis(clock_.Now())),
             store::Int(receipt->receipt.id)});
    });
    if (!saved) return saved.error();
    FinishOutcome out;
    out.quote = *q;
    out.receipt = *receipt;
    auto after = Get(key, {store_id, std::nullopt});
    if (!after) return after.error();
    out.session = *after;
    return out;
}

}  // namespace andel::app
