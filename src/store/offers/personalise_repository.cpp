#include "store/offers/personalise_repository.hpp"

namespace andel::store {
namespace {

// The member's latest answer for the purpose, 1 when a consent (consent_events: the newest row decides,
// as app::ConsentService::Allows).
constexpr std::string_view kConsented =
    "COALESCE((SELECT e.given FROM consent_events e WHERE e.member_id = m.id AND e.purpose = $2 ORDER BY "
    "e.id DESC LIMIT 1), 0) = 1";

// (offer, member) pairs as a subquery with columns o and m, and its parameters ($1, ...): one JSON array of
// pairs on SQLite (json_each), two arrays on PostgreSQL (unnest); both linear in the pairs.
std::pair<std::string, std::vector<Value>> Pairs(
    Engine e, const std::vector<std::pair<int64_t, int64_t>>& offer_members) {
    if (e == Engine::kSqlite) {
        std::string json = "[";
        for (const auto& [offer, member] : offer_members) {
            if (json.size() > 1) json += ',';
            json += '[' + std::to_string(offer) + ',' + std::to_string(member) + ']';
        }
        json += ']';
        // $2 is unused here; bound as NULL so the parameters are numbered alike on both engines.
        return {
            "SELECT json_extract(value, '$[0]') AS o, json_extract(value, '$[1]') AS m FROM json_each($1) "
            "WHERE $2 IS NULL",
            {Value(std::move(json)), Value(nullptr)}};
    }
    std::vector<int64_t> offers, members;
    for (const auto& [offer, member] : offer_members) {
        offers.push_back(offer);
        members.push_back(member);
    }
    return {"SELECT * FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS BIGINT[])) AS t(o, m)",
            {IdsParam(e, offers), IdsParam(e, members)}};
}

}  // namespace

std::vector<PersonaliseMember> PersonaliseRepository::ConsentingMembers(const std::string& market,
                                                                        const std::string& purpose,
                                                                        int64_t after, int64_t limit) {
    std::vector<PersonaliseMember> out;
    for (const auto& r : c_.Query("SELECT m.id, m.kind FROM members m WHERE m.market = $1 AND m.status = "
                                  "'active' AND m.id > $3 AND " +
                                      std::string(kConsented) + " ORDER BY m.id LIMIT $4",
                                  {Text(market), Text(purpose), Int(after), Int(limit)}))
        out.push_back({r.Int(0), r.Text(1)});
    return out;
}

std::vector<int64_t> PersonaliseRepository::SelectedWithoutConsent(const std::string& market,
                                                                   const std::string& purpose, int64_t after,
                                                                   int64_t limit) {
    std::vector<int64_t> out;
    for (const auto& r :
         c_.Query("SELECT m.id FROM members m WHERE m.market = $1 AND m.id > $3 AND EXISTS (SELECT 1 FROM "
                  "offer_assignments a WHERE a.member_id = m.id AND a.source = 'personalise') AND (m.status "
                  "<> 'active' OR NOT " +
                      std::string(kConsented) + ") ORDER BY m.id LIMIT $4",
                  {Text(market), Text(purpose), Int(after), Int(limit)}))
        out.push_back(r.Int(0));
    return out;
}

std::vector<PurchaseRecord> PersonaliseRepository::Purchases(const std::vector<int64_t>& member_ids,
                                                             int64_t from, int64_t to) {
    std::vector<PurchaseRecord> out;
    if (member_ids.empty()) return out;
    for (const auto& r :
         c_.Query("SELECT member_id, occurred_at, lines FROM receipts WHERE member_id " +
                      InIds(c_.engine(), "$1") +
                      " AND occurred_at >= $2 AND occurred_at < $3 AND total_minor > 0 ORDER BY "
                      "member_id, occurred_at, id",
                  {IdsParam(c_.engine(), member_ids), Int(from), Int(to)}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2)});
    return out;
}

std::map<int64_t, std::vector<SelectionRecord>> PersonaliseRepository::Selections(
    const std::vector<int64_t>& member_ids) {
    std::map<int64_t, std::vector<SelectionRecord>> out;
    if (member_ids.empty()) return out;
    for (const auto& r : c_.Query(
             "SELECT a.member_id, a.offer_id, a.source, CASE WHEN v.offer_id IS NULL THEN 0 ELSE 1 END FROM "
             "offer_assignments a LEFT JOIN offer_activations v ON v.offer_id = a.offer_id AND v.member_id = "
             "a.member_id WHERE a.member_id " +
                 InIds(c_.engine(), "$1") + " ORDER BY a.member_id, a.offer_id",
             {IdsParam(c_.engine(), member_ids)}))
        out[r.Int(0)].push_back({r.Int(1), r.Text(2), r.Bool(3)});
    return out;
}

std::map<std::string, int64_t> PersonaliseRepository::ProductCategories(const std::string& market) {
    std::map<std::string, int64_t> out;
    for (const auto& r : c_.Query("SELECT ean, category_id FROM products WHERE market = $1", {Text(market)}))
        out.emplace(r.Text(0), r.Int(1));
    return out;
}

int64_t PersonaliseRepository::AddSelections(const std::vector<std::pair<int64_t, int64_t>>& offer_members,
                                             int64_t now) {
    if (offer_members.empty()) return 0;
    auto [sql, params] = Pairs(c_.engine(), offer_members);
    params.push_back(Int(now));
    return c_.Execute(
        "INSERT INTO offer_assignments (offer_id, member_id, source, assigned_at) SELECT p.o, p.m, "
        "'personalise', CAST($" +
            std::to_string(params.size()) + " AS BIGINT) FROM (" + sql +
            ") p WHERE true ON CONFLICT (offer_id, member_id) DO NOTHING",
        params);
}

int64_t PersonaliseRepository::RemoveSelections(
    const std::vector<std::pair<int64_t, int64_t>>& offer_members) {
    if (offer_members.empty()) return 0;
    auto [sql, params] = Pairs(c_.engine(), offer_members);
    return c_.Execute(
        "DELETE FROM offer_assignments WHERE source = 'personalise' AND (offer_id, member_id) IN (SELECT "
        "p.o, "
        "p.m FROM (" +
            sql + ") p)",
        params);
}

int64_t PersonaliseRepository::RemoveAllSelections(const std::vector<int64_t>& member_ids) {
    if (member_ids.empty()) return 0;
    return c_.Execute("DELETE FROM offer_assignments WHERE source = 'personalise' AND member_id " +
                          InIds(c_.engine(), "$1"),
                      {IdsParam(c_.engine(), member_ids)});
}

}  // namespace andel::store
