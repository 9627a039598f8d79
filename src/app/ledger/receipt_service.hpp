#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/ledger/earning.hpp"
#include "core/ledger/journal.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ledger/receipt_repository.hpp"
#include "store/membership/records.hpp"

namespace andel::app {

class OfferService;

struct ReceiptInput {
    std::string receipt_id;  // the till's id, unique per store
    std::string till;
    core::Timestamp occurred_at;
    std::optional<std::string> card, member_number;  // the customer, when identified (R_CARD_2)
    std::vector<core::ReceiptLine> lines;
    std::vector<core::Tender> tenders;
    // The code of each bonus_voucher tender (R_BON_5), by its index in `tenders`: as printed
    // ("1234-5678-9012") or 12 digits. Never stored: the receipt keeps kind and amount, the voucher its use.
    std::map<size_t, std::string> voucher_codes;
    std::optional<std::string> original_receipt_id;  // a return: the sale it returns goods from (same store)
    std::optional<std::string> quote_id;             // the priced basket whose offers it used (issue 6 §3)
    std::string body_hash;                           // SHA-256 of the canonical request, set by the caller
};

struct ReceiptOutcome {
    store::ReceiptRecord receipt;
    bool replayed = false;  // the same receipt was posted before: this is the first result again
    std::optional<std::string> member_number;
    std::optional<int64_t> balance;  // the household's reward balance after (points, or minor units)
    std::string balance_unit;
};

// Receipts from the tills feed the ledger (R_BON_1, R_BON_2, R_BON_3, R_BON_6, R_BON_7, R_HH_6, R_MEM_2):
// one transaction stores the receipt and posts what it earned, idempotent on (store, receipt id).
class ReceiptService {
  public:
    ReceiptService(store::Database& db, const core::Clock& clock,
                   const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    // The offers whose quotes receipts redeem (issue 6 §3); without them a receipt naming a quote is refused.
    void SetOffers(const OfferService* offers) { offers_ = offers; }

    core::Result<ReceiptOutcome> Post(int64_t store_id, const ReceiptInput& in, const std::string& actor);

    // A store back-end's upload of many receipts (up to kMaxBatch): one transaction with a savepoint per
    // receipt (group commit), so a refused receipt leaves the others posted; one result per receipt, in
    // order.
    static constexpr size_t kMaxBatch = 10'000;
    std::vector<core::Result<ReceiptOutcome>> PostBatch(int64_t store_id, const std::vector<ReceiptInput>& in,
                                                        const std::string& actor);

  private:
    // A receipt may be up to kMaxAge old (a store that was offline uploads late) and at most kMaxSkew ahead
    // of the server's clock (tills' clocks drift).
    static constexpr std::chrono::hours kMaxAge{24 * 365};
    static constexpr std::chrono::minutes kMaxSkew{15};
    core::Result<void> Check(const ReceiptInput& in) const;
    static core::Result<void> CheckVoucherTenders(const ReceiptInput& in);
    // The till's store, its cooperative and market. Read once per process and store: a store's cooperative,
    // code, name and city and a cooperative's market, code and name never change once created (nothing
    // updates them), so what was read stays true; a store not found is not remembered.
    struct StoreContext {
        store::StoreRecord store;
        store::CooperativeRecord coop;
        const core::MarketRules* rules = nullptr;
    };
    core::Result<StoreContext> LoadStore(store::Connection& c, int64_t store_id) const;
    mutable std::mutex stores_mu_;
    mutable std::unordered_map<int64_t, StoreContext> stores_;
    core::Result<ReceiptOutcome> PostIn(store::Connection& c, const StoreContext& where,
                                        const ReceiptInput& in, const std::string& actor);

    // The parts of posting a receipt that the single POST and the batch's bulk path share.
    store::ReceiptRecord NewRecord(const StoreContext& where, const ReceiptInput& in, int64_t now) const;
    static core::JournalEntry NewEntry(const StoreContext& where, const ReceiptInput& in,
                                       const store::ReceiptRecord& r, const std::string& actor);
    // The customer as identified (`found`: by the card or member number the receipt names), refused when
    // not found or of another market; sets r.identified_by.
    static core::Result<std::optional<store::EarnerRecord>> Identify(const StoreContext& where,
                                                                     const ReceiptInput& in,
                                                                     std::optional<store::EarnerRecord> found,
                                                                     store::ReceiptRecord& r);
    struct SaleEarner {
        core::EarningContext ctx;
        bool may_earn = false;  // an active member with a household, or a customer with a profile
    };
    // Who earns on a sale: sets r.member_id and r.household_id for an active member.
    static SaleEarner EarnerOf(const StoreContext& where, const std::optional<store::EarnerRecord>& member,
                               store::ReceiptRecord& r);
    // What the sale earns (R_BON_2, R_BON_3, R_BON_6, R_BON_7, R_MEM_2), into r.
    static core::Result<void> Earn(const StoreContext& where, const ReceiptInput& in,
                                   const SaleEarner& earner, store::ReceiptRecord& r);
    // The sale's postings of what r earned to the household or the profile's savings.
    static void AddSalePostings(const StoreContext& where, const store::ReceiptRecord& r,
                                core::JournalEntry& entry);
    // Whether the batch may post the receipt in bulk: a sale without vouchers, a quote or a bonus tender.
    static bool Plain(const ReceiptInput& in);
    // Posts a run of plain receipts of the batch (`which`: indexes into `in`, receipt ids distinct) in a few
    // multi-row statements, as PostIn would post each in turn; writes each one's result into `out`. An error
    // means the caller rolls the run back and posts its receipts one by one.
    core::Result<void> PostPlain(store::Connection& c, const StoreContext& where,
                                 const std::vector<ReceiptInput>& in, const std::vector<size_t>& which,
                                 const std::string& actor,
                                 std::vector<std::optional<core::Result<ReceiptOutcome>>>& out);
    // The sale's points-shop vouchers (R_BON_5): each checked at the receipt's time, marked used by this
    // receipt and its amount paid to the store's redemption account from the operator's points_shop account.
    core::Result<void> UseVouchers(store::Connection& c, const StoreContext& where, const ReceiptInput& in,
                                   core::JournalEntry& entry) const;
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    const OfferService* offers_ = nullptr;
};

}  // namespace andel::app
