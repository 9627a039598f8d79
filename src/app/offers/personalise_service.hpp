#pragma once
#include <functional>
#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/offers/recommend.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

struct PersonaliseOptions {
    int64_t offers_per_member = 5;           // at most this many selections per member and week
    int64_t history_days = 91;               // the purchase history the week's choice is made from
    int64_t max_training_members = 200'000;  // the co-occurrence is learnt from at most this many
    int64_t batch = 500;                     // members per transaction
    core::RecommenderParams params;
};

struct PersonaliseReport {
    std::string week;     // the Monday (YYYY-MM-DD) of the last market's week
    int64_t pool = 0;     // personal offers to choose from, in all markets
    int64_t members = 0;  // consenting members scored (R_PRIV_2)
    int64_t training_baskets = 0;
    int64_t selected = 0;   // selections added
    int64_t withdrawn = 0;  // selections of the job no longer chosen (and not activated)
    int64_t revoked = 0;    // selections removed because the consent is gone (R_PRIV_2)
    double seconds = 0;
};

// The weekly choice of personal offers (`andel jobs run personalise`; issue 6 §4, R_OFF_3, R_PRIV_2): for
// every active member whose latest answer for the purpose "personalised_offers" is a consent, the
// recommender (core/offers/recommend.hpp) ranks the market's pool — personal offers, active or scheduled,
// not ended, not used up — by the member's purchase history, and the best offers_per_member are assigned
// with source 'personalise'; the job's earlier selections that are no longer chosen are withdrawn unless the
// member activated them. Members without the consent get no selection, and the job's selections of a
// member who withdrew it are removed; assignments by the back office are never touched. The choice is made
// from the receipts before the Monday (00:00 UTC) of the market's week and the co-occurrence is learnt only
// from consenting members' receipts, so a second run in the same week over the same data changes nothing,
// and a run that stopped half-way is finished by running it again. One node at a time (its lease). Each
// receipt is read once: the learning sample's histories are kept packed in memory for the scoring (bounded by
// max_training_members, about 160 MB at 200 000), and the next batch is read on a second thread.
class PersonaliseService {
  public:
    static constexpr const char* kPurpose = "personalised_offers";
    PersonaliseService(store::Database& db, const core::Clock& clock,
                       const std::map<std::string, core::MarketRules>& markets,
                       PersonaliseOptions options = {})
        : db_(db), clock_(clock), markets_(markets), options_(options) {}
    core::Result<PersonaliseReport> Run(
        const std::function<void(int64_t done, int64_t total)>& progress = {});

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    PersonaliseOptions options_;
};

}  // namespace andel::app
