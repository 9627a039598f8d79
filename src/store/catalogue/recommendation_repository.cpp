#include "store/catalogue/recommendation_repository.hpp"

namespace andel::store {

std::optional<RecommendedMember> RecommendationRepository::Member(int64_t member_id) {
    auto r = c_.QueryOne("SELECT id, market, status FROM members WHERE id = $1", {Int(member_id)});
    if (!r) return std::nullopt;
    return RecommendedMember{r->Int(0), r->Text(1), r->Text(2)};
}

bool RecommendationRepository::Consented(int64_t member_id, const std::string& purpose) {
    auto r = c_.QueryOne(
        "SELECT given FROM consent_events WHERE member_id = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1",
        {Int(member_id), Text(purpose)});
    return r && r->Bool(0);
}

std::vector<PurchaseRecord> RecommendationRepository::MemberPurchases(int64_t member_id, int64_t from,
                                                                      int64_t to, int64_t limit) {
    std::vector<PurchaseRecord> out;
    for (const auto& r : c_.Query(
             "SELECT member_id, occurred_at, lines FROM receipts WHERE member_id = $1 AND occurred_at >= $2 "
             "AND occurred_at < $3 AND total_minor > 0 ORDER BY occurred_at DESC, id DESC LIMIT $4",
             {Int(member_id), Int(from), Int(to), Int(limit)}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2)});
    return out;
}

std::vector<int64_t> RecommendationRepository::ConsentingMembers(const std::string& market,
                                                                 const std::string& purpose, int64_t limit) {
    std::vector<int64_t> out;
    for (const auto& r : c_.Query(
             "SELECT m.id FROM members m WHERE m.market = $1 AND m.status = 'active' AND COALESCE((SELECT "
             "e.given FROM consent_events e WHERE e.member_id = m.id AND e.purpose = $2 ORDER BY e.id DESC "
             "LIMIT 1), 0) = 1 ORDER BY m.id DESC LIMIT $3",
             {Text(market), Text(purpose), Int(limit)}))
        out.push_back(r.Int(0));
    return out;
}

std::vector<PurchaseRecord> RecommendationRepository::Purchases(const std::vector<int64_t>& member_ids,
                                                                int64_t from, int64_t to, int64_t limit) {
    std::vector<PurchaseRecord> out;
    if (member_ids.empty()) return out;
    for (const auto& r :
         c_.Query("SELECT member_id, occurred_at, lines FROM receipts WHERE member_id " +
                      InIds(c_.engine(), "$1") +
                      " AND occurred_at >= $2 AND occurred_at < $3 AND total_minor > 0 ORDER BY occurred_at "
                      "DESC, id DESC LIMIT $4",
                  {IdsParam(c_.engine(), member_ids), Int(from), Int(to), Int(limit)}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2)});
    return out;
}

}  // namespace andel::store
