#include "store/partners/partner_repository.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace andel::store {
namespace {

constexpr std::string_view kPartnerColumns =
    "SELECT id, code, market, name, category, description, logo_url, website_url, sells_online, "
    "sells_in_shop, active_from, active_to, holding_days, created_at, updated_at FROM partners ";

PartnerRecord ToPartner(const Row& r) {
    return PartnerRecord{r.Int(0),
                         r.Text(1),
                         r.Text(2),
                         r.Text(3),
                         r.Text(4),
                         r.Text(5),
                         r.OptText(6),
                         r.OptText(7),
                         r.Bool(8),
                         r.Bool(9),
                         r.Text(10),
                         r.OptText(11),
                         static_cast<int>(r.Int(12)),
                         r.Int(13),
                         r.Int(14)};
}

constexpr std::string_view kSaleColumns =
    "SELECT id, partner_id, sale_key, member_id, household_id, home_store_id, sale_date, currency, "
    "amount_minor, bonus_minor, reward, reward_unit, lines, release_on, released_at, released_entry_id, "
    "entry_id, body_hash, via, created_at FROM partner_sales ";

PartnerSaleRecord ToSale(const Row& r) {
    PartnerSaleRecord s;
    s.id = r.Int(0);
    s.partner_id = r.Int(1);
    s.sale_key = r.Text(2);
    s.member_id = r.Int(3);
    s.household_id = r.Int(4);
    s.home_store_id = r.OptInt(5);
    s.sale_date = r.Text(6);
    s.currency = r.Text(7);
    s.amount_minor = r.Int(8);
    s.bonus_minor = r.Int(9);
    s.reward = r.Int(10);
    s.reward_unit = r.Text(11);
    s.lines_json = r.Text(12);
    s.release_on = r.OptText(13);
    s.released_at = r.OptInt(14);
    s.released_entry_id = r.OptInt(15);
    s.entry_id = r.OptInt(16);
    s.body_hash = r.Text(17);
    s.via = r.Text(18);
    s.created_at = r.Int(19);
    return s;
}

constexpr std::string_view kReversalColumns =
    "SELECT id, sale_id, reversal_key, reversal_date, amount_minor, bonus_minor, reward, written_off, lines, "
    "body_hash, entry_id, created_at FROM partner_sale_reversals ";

PartnerReversalRecord ToReversal(const Row& r) {
    return PartnerReversalRecord{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Int(4),     r.Int(5),
                                 r.Int(6), r.Int(7), r.Text(8), r.Text(9), r.OptInt(10), r.Int(11)};
}

std::string Sql(std::string_view head, std::string_view tail) {
    return std::string(head) + std::string(tail);
}

}  // namespace

int64_t PartnerRepository::InsertPartner(const PartnerRecord& p) {
    return c_
        .QueryOne(
            "INSERT INTO partners (code, market, name, category, description, logo_url, website_url, "
            "sells_online, sells_in_shop, active_from, active_to, holding_days, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            {Text(p.code), Text(p.market), Text(p.name), Text(p.category), Text(p.description),
             OptionalText(p.logo_url), OptionalText(p.website_url), Int(p.sells_online), Int(p.sells_in_shop),
             Text(p.active_from), OptionalText(p.active_to), Int(p.holding_days), Int(p.created_at)})
        ->Int(0);
}

void PartnerRepository::UpdatePartner(const PartnerRecord& p) {
    c_.Execute(
        "UPDATE partners SET name = $2, category = $3, description = $4, logo_url = $5, website_url = $6, "
        "sells_online = $7, sells_in_shop = $8, active_from = $9, active_to = $10, holding_days = $11, "
        "updated_at = $12 WHERE id = $1",
        {Int(p.id), Text(p.name), Text(p.category), Text(p.description), OptionalText(p.logo_url),
         OptionalText(p.website_url), Int(p.sells_online), Int(p.sells_in_shop), Text(p.active_from),
         OptionalText(p.active_to), Int(p.holding_days), Int(p.updated_at)});
}

std::optional<PartnerRecord> PartnerRepository::FindPartner(int64_t id) {
    static const std::string sql = Sql(kPartnerColumns, "WHERE id = $1");
    auto r = c_.QueryOne(sql, {Int(id)});
    if (!r) return std::nullopt;
    return ToPartner(*r);
}

std::optional<PartnerRecord> PartnerRepository::FindPartnerByCode(const std::string& code) {
    static const std::string sql = Sql(kPartnerColumns, "WHERE code = $1");
    auto r = c_.QueryOne(sql, {Text(code)});
    if (!r) return std::nullopt;
    return ToPartner(*r);
}

std::vector<PartnerRecord> PartnerRepository::ListPartners(const std::string& market,
                                                           const std::optional<std::string>& active_on) {
    static const std::string sql =
        Sql(kPartnerColumns,
            "WHERE ($1 = '' OR market = $1) AND (CAST($2 AS TEXT) IS NULL OR (active_from <= $2 AND "
            "(active_to IS NULL OR active_to >= $2))) ORDER BY market, category, name, id");
    std::vector<PartnerRecord> out;
    for (const auto& r : c_.Query(sql, {Text(market), OptionalText(active_on)})) out.push_back(ToPartner(r));
    return out;
}

std::vector<core::PartnerAgreement> PartnerRepository::Agreements(int64_t partner_id) {
    std::vector<core::PartnerAgreement> out;
    for (const auto& r : c_.Query("SELECT id, category, label, rate_bp, valid_from, valid_to FROM "
                                  "partner_agreements WHERE partner_id = $1 ORDER BY category, valid_from",
                                  {Int(partner_id)}))
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Text(4), r.OptText(5)});
    return out;
}

int64_t PartnerRepository::InsertAgreement(int64_t partner_id, const core::PartnerAgreement& a,
                                           const std::string& actor, int64_t now) {
    return c_
        .QueryOne(
            "INSERT INTO partner_agreements (partner_id, category, label, rate_bp, valid_from, valid_to, "
            "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {Int(partner_id), Text(a.category), Text(a.label), Int(a.rate_bp), Text(a.valid_from),
             OptionalText(a.valid_to), Int(now), Text(actor)})
        ->Int(0);
}

void PartnerRepository::EndAgreement(int64_t agreement_id, const std::string& valid_to) {
    c_.Execute("UPDATE partner_agreements SET valid_to = $2 WHERE id = $1",
               {Int(agreement_id), Text(valid_to)});
}

bool PartnerRepository::AgreementUsedAfter(int64_t agreement_id, const std::string& valid_to) {
    // The agreement id is in each sale's lines; this runs only when an agreement is ended, so reading the
    // partner's later sales is enough.
    auto a = c_.QueryOne("SELECT partner_id FROM partner_agreements WHERE id = $1", {Int(agreement_id)});
    if (!a) return false;
    for (const auto& r : c_.Query("SELECT lines FROM partner_sales WHERE partner_id = $1 AND sale_date > $2",
                                  {Int(a->Int(0)), Text(valid_to)}))
        for (const auto& line : nlohmann::json::parse(r.Text(0)))
            if (line.at(3).get<int64_t>() == agreement_id) return true;
    return false;
}

std::optional<PartnerEarnerRecord> PartnerRepository::FindEarner(const std::string& member_number) {
    auto r = c_.QueryOne(
        "SELECT m.id, m.kind, m.status, m.market, hm.household_id, m.home_store_id FROM members m "
        "LEFT JOIN household_members hm ON hm.member_id = m.id WHERE m.member_number = $1",
        {Text(member_number)});
    if (!r) return std::nullopt;
    return PartnerEarnerRecord{r->Int(0), r->Text(1), r->Text(2), r->Text(3), r->OptInt(4), r->OptInt(5)};
}

std::optional<PartnerSaleRecord> PartnerRepository::FindSale(int64_t partner_id,
                                                             const std::string& sale_key) {
    static const std::string sql = Sql(kSaleColumns, "WHERE partner_id = $1 AND sale_key = $2");
    auto r = c_.QueryOne(sql, {Int(partner_id), Text(sale_key)});
    if (!r) return std::nullopt;
    return ToSale(*r);
}

std::optional<PartnerSaleRecord> PartnerRepository::FindSaleById(int64_t sale_id) {
    static const std::string sql = Sql(kSaleColumns, "WHERE id = $1");
    auto r = c_.QueryOne(sql, {Int(sale_id)});
    if (!r) return std::nullopt;
    return ToSale(*r);
}

std::optional<PartnerSaleRecord> PartnerRepository::FindSaleByEntry(int64_t entry_id) {
    // Two lookups, each by its index (an OR of two columns may scan on SQLite).
    static const std::string by_entry = Sql(kSaleColumns, "WHERE entry_id = $1");
    static const std::string by_release = Sql(kSaleColumns, "WHERE released_entry_id = $1");
    for (const auto* sql : {&by_entry, &by_release})
        if (auto r = c_.QueryOne(*sql, {Int(entry_id)})) return ToSale(*r);
    return std::nullopt;
}

int64_t PartnerRepository::InsertSale(const PartnerSaleRecord& s) {
    return c_
        .QueryOne(
            "INSERT INTO partner_sales (partner_id, sale_key, member_id, household_id, home_store_id, "
            "sale_date, currency, amount_minor, bonus_minor, reward, reward_unit, lines, release_on, "
            "entry_id, body_hash, via, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
            "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            {Int(s.partner_id), Text(s.sale_key), Int(s.member_id), Int(s.household_id),
             s.home_store_id ? Int(*s.home_store_id) : Null(), Text(s.sale_date), Text(s.currency),
             Int(s.amount_minor), Int(s.bonus_minor), Int(s.reward), Text(s.reward_unit), Text(s.lines_json),
             OptionalText(s.release_on), s.entry_id ? Int(*s.entry_id) : Null(), Text(s.body_hash),
             Text(s.via), Int(s.created_at)})
        ->Int(0);
}

void PartnerRepository::LockSale(int64_t sale_id) {
    c_.Execute("UPDATE partner_sales SET entry_id = entry_id WHERE id = $1", {Int(sale_id)});
}

std::vector<PartnerReversalRecord> PartnerRepository::Reversals(int64_t sale_id) {
    static const std::string sql = Sql(kReversalColumns, "WHERE sale_id = $1 ORDER BY id");
    std::vector<PartnerReversalRecord> out;
    for (const auto& r : c_.Query(sql, {Int(sale_id)})) out.push_back(ToReversal(r));
    return out;
}

int64_t PartnerRepository::InsertReversal(const PartnerReversalRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO partner_sale_reversals (sale_id, reversal_key, reversal_date, amount_minor, "
            "bonus_minor, reward, written_off, lines, body_hash, entry_id, created_at) VALUES ($1, $2, $3, "
            "$4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            {Int(r.sale_id), Text(r.reversal_key), Text(r.reversal_date), Int(r.amount_minor),
             Int(r.bonus_minor), Int(r.reward), Int(r.written_off), Text(r.lines_json), Text(r.body_hash),
             r.entry_id ? Int(*r.entry_id) : Null(), Int(r.created_at)})
        ->Int(0);
}

std::optional<PartnerReversalRecord> PartnerRepository::FindReversalByEntry(int64_t entry_id) {
    static const std::string sql = Sql(kReversalColumns, "WHERE entry_id = $1");
    auto r = c_.QueryOne(sql, {Int(entry_id)});
    if (!r) return std::nullopt;
    return ToReversal(*r);
}

std::vector<PartnerSaleRecord> PartnerRepository::DueReleases(const std::string& date, int limit) {
    static const std::string sql =
        Sql(kSaleColumns,
            "WHERE released_at IS NULL AND release_on IS NOT NULL AND release_on <= $1 "
            "ORDER BY release_on, id LIMIT $2");
    std::vector<PartnerSaleRecord> out;
    for (const auto& r : c_.Query(sql, {Text(date), Int(limit)})) out.push_back(ToSale(r));
    return out;
}

void PartnerRepository::MarkReleased(int64_t sale_id, std::optional<int64_t> entry_id, int64_t now) {
    c_.Execute("UPDATE partner_sales SET released_entry_id = $2, released_at = $3 WHERE id = $1",
               {Int(sale_id), entry_id ? Int(*entry_id) : Null(), Int(now)});
}

std::vector<PartnerSaleRecord> PartnerRepository::PendingOfHousehold(int64_t household_id) {
    static const std::string sql = Sql(
        kSaleColumns,
        "WHERE household_id = $1 AND release_on IS NOT NULL AND released_at IS NULL ORDER BY release_on, id");
    std::vector<PartnerSaleRecord> out;
    for (const auto& r : c_.Query(sql, {Int(household_id)})) out.push_back(ToSale(r));
    return out;
}

std::vector<PartnerReportRow> PartnerRepository::Report(GroupBy by, const std::string& from,
                                                        const std::string& to, const std::string& market) {
    // One query per part (sales, reversals) keyed the same way; merged here.
    std::string key, name, join;
    switch (by) {
        case GroupBy::kPartner:
            key = "p.code";
            name = "p.name";
            break;
        case GroupBy::kCategory:
            key = "p.category";
            name = "p.category";
            break;
        case GroupBy::kHomeStore:
            key = "COALESCE(st.code, '')";
            name = "COALESCE(st.name, '')";
            join = " LEFT JOIN stores st ON st.id = s.home_store_id";
            break;
    }
    std::string sales_sql = "SELECT " + key + ", " + name +
                            ", COUNT(*), SUM(s.amount_minor), SUM(s.bonus_minor) FROM partner_sales s JOIN "
                            "partners p ON p.id = s.partner_id" +
                            join +
                            " WHERE s.sale_date >= $1 AND s.sale_date <= $2 AND ($3 = '' OR p.market = $3) "
                            "GROUP BY " +
                            key + ", " + name + " ORDER BY 1";
    std::string reversals_sql = "SELECT " + key + ", " + name +
                                ", SUM(r.bonus_minor) FROM partner_sale_reversals r JOIN partner_sales s ON "
                                "s.id = r.sale_id JOIN partners p ON p.id = s.partner_id" +
                                join +
                                " WHERE r.reversal_date >= $1 AND r.reversal_date <= $2 AND ($3 = '' OR "
                                "p.market = $3) GROUP BY " +
                                key + ", " + name + " ORDER BY 1";
    std::vector<PartnerReportRow> out;
    auto row_for = [&](const std::string& k, const std::string& n) -> PartnerReportRow& {
        for (auto& r : out)
            if (r.key == k) return r;
        out.push_back({k, n, 0, 0, 0, 0});
        return out.back();
    };
    for (const auto& r : c_.Query(sales_sql, {Text(from), Text(to), Text(market)})) {
        auto& row = row_for(r.Text(0), r.Text(1));
        row.sales = r.Int(2);
        row.amount_minor = r.Int(3);
        row.bonus_minor = r.Int(4);
    }
    for (const auto& r : c_.Query(reversals_sql, {Text(from), Text(to), Text(market)}))
        row_for(r.Text(0), r.Text(1)).reversed_minor = r.Int(2);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::optional<PartnerSettlementRecord> PartnerRepository::FindSettlement(int64_t partner_id,
                                                                         const std::string& key) {
    auto r = c_.QueryOne(
        "SELECT id, partner_id, settlement_key, amount_minor, paid_on, entry_id, created_at, created_by FROM "
        "partner_settlements WHERE partner_id = $1 AND settlement_key = $2",
        {Int(partner_id), Text(key)});
    if (!r) return std::nullopt;
    return PartnerSettlementRecord{r->Int(0),  r->Int(1), r->Text(2), r->Int(3),
                                   r->Text(4), r->Int(5), r->Int(6),  r->Text(7)};
}

int64_t PartnerRepository::InsertSettlement(const PartnerSettlementRecord& s) {
    return c_
        .QueryOne(
            "INSERT INTO partner_settlements (partner_id, settlement_key, amount_minor, paid_on, entry_id, "
            "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {Int(s.partner_id), Text(s.settlement_key), Int(s.amount_minor), Text(s.paid_on), Int(s.entry_id),
             Int(s.created_at), Text(s.created_by)})
        ->Int(0);
}

int64_t PartnerRepository::ReceivableMoved(int64_t partner_id, const std::string& from,
                                           const std::string& to) {
    auto r = c_.QueryOne(
        "SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p JOIN ledger_accounts a ON a.id = "
        "p.account_id "
        "WHERE a.kind = 'partner_receivable' AND a.owner_kind = 'partner' AND a.owner_id = $1 AND p.entry_id "
        "IN ("
        "SELECT entry_id FROM partner_sales WHERE partner_id = $1 AND sale_date >= $2 AND sale_date <= $3 "
        "AND entry_id IS NOT NULL UNION ALL SELECT r.entry_id FROM partner_sale_reversals r JOIN "
        "partner_sales s "
        "ON s.id = r.sale_id WHERE s.partner_id = $1 AND r.reversal_date >= $2 AND r.reversal_date <= $3 AND "
        "r.entry_id IS NOT NULL)",
        {Int(partner_id), Text(from), Text(to)});
    return r->Int(0);
}

}  // namespace andel::store
