#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct OfferRecord {
    int64_t id = 0;
    std::string code, market, title, description, kind, target_kind, target, params_json, audience,
        segment_json;
    bool members_only = true, requires_activation = false;
    std::string valid_from, valid_to;
    std::optional<int64_t> limit_per_member, limit_per_receipt, limit_total;
    std::string status = "active";
    int64_t redeemed = 0;
    int64_t created_at = 0;
    std::string created_by;
    int64_t updated_at = 0;
};

struct QuoteRecord {
    int64_t id = 0;
    std::string quote_key;
    int64_t store_id = 0, member_id = 0;
    int64_t total_minor = 0, discount_minor = 0, bonus_minor = 0, points = 0;
    std::string used_json;  // [[offer_id, units, discount_minor, bonus_minor, points]]
    int64_t created_at = 0, expires_at = 0;
    std::optional<int64_t> receipt_id;
};

struct OfferReportRecord {
    int64_t assigned = 0, activated = 0, redemptions = 0, units = 0, discount_minor = 0, bonus_minor = 0,
            points = 0;
};

// Offers and what members did with them (migration 0017).
class OfferRepository {
  public:
    explicit OfferRepository(Connection& c) : c_(c) {}

    int64_t Insert(const OfferRecord& r);  // throws DbError kUniqueViolation when the code is taken
    void Update(const OfferRecord& r);     // every field but id, code, market, redeemed, created_*
    std::optional<OfferRecord> Find(const std::string& code);
    std::optional<OfferRecord> FindById(int64_t id);
    std::vector<OfferRecord> List(const std::string& market);  // newest first
    // Active offers of the market in force on `today` (YYYY-MM-DD).
    std::vector<OfferRecord> Current(const std::string& market, const std::string& today);

    bool Assign(int64_t offer_id, int64_t member_id, const std::string& source, int64_t now);
    bool Unassign(int64_t offer_id, int64_t member_id);
    std::set<int64_t> AssignedTo(int64_t member_id);
    bool Activate(int64_t offer_id, int64_t member_id, const std::string& channel, int64_t now);
    std::set<int64_t> ActivatedBy(int64_t member_id);
    // Receipts on which the member used each offer.
    std::map<int64_t, int64_t> UsesBy(int64_t member_id);

    // A redeemed quote, with its receipt; throws DbError kUniqueViolation when its key was redeemed before.
    int64_t InsertQuote(const QuoteRecord& q);
    std::optional<QuoteRecord> FindQuote(const std::string& key);

    void InsertRedemption(int64_t offer_id, int64_t member_id, int64_t store_id, int64_t receipt_id,
                          int64_t units, int64_t discount_minor, int64_t bonus_minor, int64_t points,
                          int64_t now);
    // Counts a receipt that used the offer. The total limit is checked when a basket is priced: baskets
    // priced at once may pass it by the number of tills pricing at that moment, since the discount was given.
    void CountRedemption(int64_t offer_id);
    OfferReportRecord Report(int64_t offer_id);

  private:
    Connection& c_;
};

}  // namespace andel::store
