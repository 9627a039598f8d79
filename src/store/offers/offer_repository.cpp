#include "store/offers/offer_repository.hpp"

namespace andel::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, code, market, title, description, kind, target_kind, target, params, audience, segment, "
    "members_only, requires_activation, valid_from, valid_to, limit_per_member, limit_per_receipt, "
    "limit_total, "
    "status, redeemed, created_at, created_by, updated_at FROM offers ";

OfferRecord ToOffer(const Row& r) {
    OfferRecord o;
    o.id = r.Int(0);
    o.code = r.Text(1);
    o.market = r.Text(2);
    o.title = r.Text(3);
    o.description = r.Text(4);
    o.kind = r.Text(5);
    o.target_kind = r.Text(6);
    o.target = r.Text(7);
    o.params_json = r.Text(8);
    o.audience = r.Text(9);
    o.segment_json = r.Text(10);
    o.members_only = r.Bool(11);
    o.requires_activation = r.Bool(12);
    o.valid_from = r.Text(13);
    o.valid_to = r.Text(14);
    o.limit_per_member = r.OptInt(15);
    o.limit_per_receipt = r.OptInt(16);
    o.limit_total = r.OptInt(17);
    o.status = r.Text(18);
    o.redeemed = r.Int(19);
    o.created_at = r.Int(20);
    o.created_by = r.Text(21);
    o.updated_at = r.Int(22);
    return o;
}

Value Opt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }

constexpr std::string_view kQuoteColumns =
    "SELECT id, quote_key, store_id, member_id, total_minor, discount_minor, bonus_minor, points, used, "
    "created_at, "
    "expires_at, receipt_id FROM basket_quotes ";

}  // namespace

int64_t OfferRepository::Insert(const OfferRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO offers (code, market, title, description, kind, target_kind, target, params, "
            "audience, "
            "segment, members_only, requires_activation, valid_from, valid_to, limit_per_member, "
            "limit_per_receipt, limit_total, status, redeemed, created_at, created_by, updated_at) VALUES "
            "($1, $2, "
            "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 0, $19, $20, $19) "
            "RETURNING id",
            {Text(r.code),
             Text(r.market),
             Text(r.title),
             Text(r.description),
             Text(r.kind),
             Text(r.target_kind),
             Text(r.target),
             Text(r.params_json),
             Text(r.audience),
             Text(r.segment_json),
             Int(r.members_only ? 1 : 0),
             Int(r.requires_activation ? 1 : 0),
             Text(r.valid_from),
             Text(r.valid_to),
             Opt(r.limit_per_member),
             Opt(r.limit_per_receipt),
             Opt(r.limit_total),
             Text(r.status),
             Int(r.created_at),
             Text(r.created_by)})
        ->Int(0);
}

void OfferRepository::Update(const OfferRecord& r) {
    c_.Execute(
        "UPDATE offers SET title = $2, description = $3, kind = $4, target_kind = $5, target = $6, params = "
        "$7, "
        "audience = $8, segment = $9, members_only = $10, requires_activation = $11, valid_from = $12, "
        "valid_to = "
        "$13, limit_per_member = $14, limit_per_receipt = $15, limit_total = $16, status = $17, updated_at = "
        "$18 "
        "WHERE id = $1",
        {Int(r.id), Text(r.title), Text(r.description), Text(r.kind), Text(r.target_kind), Text(r.target),
         Text(r.params_json), Text(r.audience), Text(r.segment_json), Int(r.members_only ? 1 : 0),
         Int(r.requires_activation ? 1 : 0), Text(r.valid_from), Text(r.valid_to), Opt(r.limit_per_member),
         Opt(r.limit_per_receipt), Opt(r.limit_total), Text(r.status), Int(r.updated_at)});
}

std::optional<OfferRecord> OfferRepository::Find(const std::string& code) {
    auto r = c_.QueryOne(std::string(kColumns) + "WHERE code = $1", {Text(code)});
    if (!r) return std::nullopt;
    return ToOffer(*r);
}

std::optional<OfferRecord> OfferRepository::FindById(int64_t id) {
    auto r = c_.QueryOne(std::string(kColumns) + "WHERE id = $1", {Int(id)});
    if (!r) return std::nullopt;
    return ToOffer(*r);
}

std::vector<OfferRecord> OfferRepository::List(const std::string& market) {
    std::vector<OfferRecord> out;
    for (const auto& r :
         c_.Query(std::string(kColumns) + "WHERE ($1 = '' OR market = $1) ORDER BY id DESC", {Text(market)}))
        out.push_back(ToOffer(r));
    return out;
}

std::vector<OfferRecord> OfferRepository::Current(const std::string& market, const std::string& today) {
    std::vector<OfferRecord> out;
    for (const auto& r :
         c_.Query(std::string(kColumns) +
                      "WHERE market = $1 AND status = 'active' AND valid_from <= $2 AND valid_to >= "
                      "$2 ORDER BY id",
                  {Text(market), Text(today)}))
        out.push_back(ToOffer(r));
    return out;
}

bool OfferRepository::Assign(int64_t offer_id, int64_t member_id, const std::string& source, int64_t now) {
    return c_.Execute(
               "INSERT INTO offer_assignments (offer_id, member_id, source, assigned_at) VALUES ($1, $2, $3, "
               "$4) "
               "ON CONFLICT (offer_id, member_id) DO NOTHING",
               {Int(offer_id), Int(member_id), Text(source), Int(now)}) > 0;
}

bool OfferRepository::Unassign(int64_t offer_id, int64_t member_id) {
    return c_.Execute("DELETE FROM offer_assignments WHERE offer_id = $1 AND member_id = $2",
                      {Int(offer_id), Int(member_id)}) > 0;
}

std::set<int64_t> OfferRepository::AssignedTo(int64_t member_id) {
    std::set<int64_t> out;
    for (const auto& r :
         c_.Query("SELECT offer_id FROM offer_assignments WHERE member_id = $1", {Int(member_id)}))
        out.insert(r.Int(0));
    return out;
}

bool OfferRepository::Activate(int64_t offer_id, int64_t member_id, const std::string& channel, int64_t now) {
    return c_.Execute(
               "INSERT INTO offer_activations (offer_id, member_id, channel, activated_at) VALUES ($1, $2, "
               "$3, $4) "
               "ON CONFLICT (offer_id, member_id) DO NOTHING",
               {Int(offer_id), Int(member_id), Text(channel), Int(now)}) > 0;
}

std::set<int64_t> OfferRepository::ActivatedBy(int64_t member_id) {
    std::set<int64_t> out;
    for (const auto& r :
         c_.Query("SELECT offer_id FROM offer_activations WHERE member_id = $1", {Int(member_id)}))
        out.insert(r.Int(0));
    return out;
}

std::map<int64_t, int64_t> OfferRepository::UsesBy(int64_t member_id) {
    std::map<int64_t, int64_t> out;
    for (const auto& r :
         c_.Query("SELECT offer_id, COUNT(*) FROM offer_redemptions WHERE member_id = $1 GROUP BY offer_id",
                  {Int(member_id)}))
        out[r.Int(0)] = r.Int(1);
    return out;
}

int64_t OfferRepository::InsertQuote(const QuoteRecord& q) {
    return c_
        .QueryOne(
            "INSERT INTO basket_quotes (quote_key, store_id, member_id, total_minor, discount_minor, "
            "bonus_minor, "
            "points, used, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "RETURNING id",
            {Text(q.quote_key), Int(q.store_id), Int(q.member_id), Int(q.total_minor), Int(q.discount_minor),
             Int(q.bonus_minor), Int(q.points), Text(q.used_json), Int(q.created_at), Int(q.expires_at)})
        ->Int(0);
}

std::optional<QuoteRecord> OfferRepository::FindQuote(const std::string& key) {
    auto r = c_.QueryOne(std::string(kQuoteColumns) + "WHERE quote_key = $1", {Text(key)});
    if (!r) return std::nullopt;
    return QuoteRecord{r->Int(0), r->Text(1), r->Int(2),  r->Int(3), r->Int(4),  r->Int(5),
                       r->Int(6), r->Int(7),  r->Text(8), r->Int(9), r->Int(10), r->OptInt(11)};
}

void OfferRepository::InsertRedemption(int64_t offer_id, int64_t member_id, int64_t store_id,
                                       int64_t receipt_id, int64_t units, int64_t discount_minor,
                                       int64_t bonus_minor, int64_t points, int64_t now) {
    c_.Execute(
        "INSERT INTO offer_redemptions (offer_id, member_id, store_id, receipt_id, units, discount_minor, "
        "bonus_minor, points, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {Int(offer_id), Int(member_id), Int(store_id), Int(receipt_id), Int(units), Int(discount_minor),
         Int(bonus_minor), Int(points), Int(now)});
}

void OfferRepository::CountRedemption(int64_t offer_id) {
    c_.Execute("UPDATE offers SET redeemed = redeemed + 1 WHERE id = $1", {Int(offer_id)});
}

OfferReportRecord OfferRepository::Report(int64_t offer_id) {
    OfferReportRecord out;
    out.assigned =
        c_.QueryOne("SELECT COUNT(*) FROM offer_assignments WHERE offer_id = $1", {Int(offer_id)})->Int(0);
    out.activated =
        c_.QueryOne("SELECT COUNT(*) FROM offer_activations WHERE offer_id = $1", {Int(offer_id)})->Int(0);
    auto r = c_.QueryOne(
        "SELECT COUNT(*), COALESCE(SUM(units), 0), COALESCE(SUM(discount_minor), 0), "
        "COALESCE(SUM(bonus_minor), 0), "
        "COALESCE(SUM(points), 0) FROM offer_redemptions WHERE offer_id = $1",
        {Int(offer_id)});
    out.redemptions = r->Int(0);
    out.units = r->Int(1);
    out.discount_minor = r->Int(2);
    out.bonus_minor = r->Int(3);
    out.points = r->Int(4);
    return out;
}

}  // namespace andel::store
