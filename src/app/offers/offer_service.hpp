#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/offers/pricing.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/catalogue/catalogue_repository.hpp"
#include "store/database.hpp"
#include "store/offers/offer_repository.hpp"

namespace andel::app {

// Who a segment offer is for (issue 6 §1): every rule given must hold.
struct OfferSegment {
    std::vector<std::string> cooperatives, home_stores;  // codes
    std::optional<int64_t> household_size_min, household_size_max, age_min, age_max;
    std::optional<int64_t> min_receipts_90d;  // purchase behaviour: receipts in the last 90 days
};

struct OfferInput {
    std::string code, market, title, description, kind, target_kind;
    std::vector<std::string> eans;  // target_kind products
    std::string category;           // target_kind category
    int64_t member_price_minor = 0, percent_bp = 0, amount_minor = 0, buy_quantity = 0, pay_quantity = 0,
            bundle_price_minor = 0, bonus_bp = 0, points_per_unit = 0, points = 0, min_spend_minor = 0;
    std::string audience = "all";  // all | segment | personal
    OfferSegment segment;
    bool members_only = true;  // R_MEM_1: false lets customers with a profile use it too
    bool requires_activation = false;
    std::string valid_from, valid_to;
    std::optional<int64_t> limit_per_member, limit_per_receipt, limit_total;
};

struct OfferView {
    store::OfferRecord record;
    core::PricedOffer priced;
    OfferSegment segment;
    std::string state;  // scheduled | active | paused | ended (by today's date in the market)
};

// An offer as one member sees it.
struct MemberOffer {
    OfferView offer;
    bool activated = false;            // activated by this member (or needs no activation)
    std::optional<int64_t> uses_left;  // receipts this member may still use it on; none: no limit
};

struct OfferReport {
    OfferView offer;
    store::OfferReportRecord counts;
};

struct TillBasketLine {
    std::string sku, category;
    int64_t quantity = 1;
    int64_t amount_minor = 0;
};

struct BasketInput {
    std::optional<std::string> card, member_number;
    std::vector<TillBasketLine> lines;
};

struct Quote {
    std::optional<std::string> quote_id;  // none for a customer who was not identified
    std::optional<std::string> member_number;
    std::string currency;
    core::PricedBasket priced;
    std::vector<OfferView> used;  // in the order of priced.used
    int64_t expires_at = 0;
    // What the basket will earn when paid by card: the programme's bonus or points plus the offers' extra.
    int64_t bonus_minor = 0, points = 0;
};

// Offers, app coupons and member campaigns (issue 6, R_OFF_1, R_OFF_2, R_MEM_1): the back office creates
// and schedules them; members see the ones for them and activate those that need it; the till prices a
// basket with them and the receipt redeems the quote exactly once.
class OfferService {
  public:
    // `sealer` seals the quotes the till gets (they are kept nowhere until a receipt redeems one).
    OfferService(store::Database& db, const core::Clock& clock,
                 const std::map<std::string, core::MarketRules>& markets, const notify::Sealer& sealer)
        : db_(db), clock_(clock), markets_(markets), sealer_(sealer) {}

    core::Result<OfferView> Create(const OfferInput& in, const std::string& actor);
    // Everything but code and market; an offer already redeemed keeps its kind and target.
    core::Result<OfferView> Update(const std::string& code, const OfferInput& in, const std::string& actor);
    core::Result<OfferView> SetStatus(const std::string& code, const std::string& status,
                                      const std::string& actor);
    core::Result<OfferView> Get(const std::string& code);
    core::Result<std::vector<OfferView>> List(const std::string& market);
    core::Result<OfferReport> Report(const std::string& code);
    // A personal offer for these members (by member number): how many were new.
    core::Result<int64_t> Assign(const std::string& code, const std::vector<std::string>& member_numbers,
                                 const std::string& actor);

    // The offers for a member now: in force, for their audience, not used up.
    core::Result<std::vector<MemberOffer>> ForMember(int64_t member_id);
    // R_OFF_2: channel app | web | price_checker | backoffice. Activating twice is the same as once.
    core::Result<MemberOffer> Activate(int64_t member_id, const std::string& code,
                                       const std::string& channel);

    // A store's market and code.
    core::Result<std::pair<std::string, std::string>> StoreOf(int64_t store_id);
    // The offers for all members in force on a product (the price checker shows them to anyone), and the
    // price of one unit (one kg when weighed) with the best of them, when that is lower.
    struct ProductCampaigns {
        std::vector<OfferView> offers;
        std::optional<int64_t> member_price_minor;
    };
    core::Result<ProductCampaigns> CampaignsOn(int64_t store_id, const store::ProductRecord& product);

    // The till's basket with the offers applied (issue 6 §3).
    static constexpr size_t kMaxLines = 10'000;
    static constexpr std::chrono::hours kQuoteTtl{24 * 7};
    static constexpr size_t kMaxQuoteBytes = 32 * 1024;  // a sealed quote: about 1 KB for 30 offers
    core::Result<Quote> Price(int64_t store_id, const BasketInput& in);

    // A quote is the priced basket sealed (notify::Sealer: authenticated encryption under the deployment's
    // secret), so pricing writes nothing. Inside the receipt's transaction (ReceiptService) ClaimQuote opens
    // it and checks it is this store's and customer's, in time and not redeemed; RecordRedemptions then
    // writes the redemptions and the redeemed quote (its key the quote's SHA-256, unique: a second receipt
    // with the same quote is a conflict) once the receipt row exists.
    core::Result<store::QuoteRecord> ClaimQuote(store::Connection& c, const std::string& quote_id,
                                                int64_t store_id, std::optional<int64_t> member_id,
                                                int64_t now) const;
    static void RecordRedemptions(store::Connection& c, const store::QuoteRecord& q, int64_t receipt_id,
                                  int64_t now);

  private:
    core::Result<OfferView> Validate(const OfferInput& in, store::Connection& c) const;
    std::string Today(const std::string& market) const;
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    const notify::Sealer& sealer_;
};

// The stored record as the pricing and the API see it.
OfferView ViewOf(const store::OfferRecord& r, const std::string& today);

}  // namespace andel::app
