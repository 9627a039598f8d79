#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/offers/personalise_repository.hpp"

namespace andel::store {

struct RecommendedMember {
    int64_t id = 0;
    std::string market, status;
};

// What personalised content (app::RecommendationService, R_OFF_4, R_PRIV_2) reads: a member's own latest
// receipts, and a bounded sample of consenting members' receipts to learn which products are bought
// together. Every read has a LIMIT: the cost of a request does not grow with the member's whole history.
class RecommendationRepository {
  public:
    explicit RecommendationRepository(Connection& c) : c_(c) {}

    std::optional<RecommendedMember> Member(int64_t member_id);
    // Whether the member's latest answer for `purpose` is a consent (as app::ConsentService::Allows).
    bool Consented(int64_t member_id, const std::string& purpose);
    // The member's sales receipts (not returns) in [from, to), newest first, at most `limit`.
    std::vector<PurchaseRecord> MemberPurchases(int64_t member_id, int64_t from, int64_t to, int64_t limit);
    // The newest (by id) active members of the market whose latest answer for `purpose` is a consent.
    std::vector<int64_t> ConsentingMembers(const std::string& market, const std::string& purpose,
                                           int64_t limit);
    // These members' sales receipts in [from, to), newest first, at most `limit` in all.
    std::vector<PurchaseRecord> Purchases(const std::vector<int64_t>& member_ids, int64_t from, int64_t to,
                                          int64_t limit);

  private:
    Connection& c_;
};

}  // namespace andel::store
