#pragma once
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/dispatcher.hpp"
#include "store/database.hpp"
#include "store/privacy/marketing_repository.hpp"

namespace andel::app {

// A member's marketing choices (R_PRIV_1): read, changed at any time by the member or by customer service
// for them (audited), and applied by the outbox dispatcher to every marketing message.
class MarketingChoicesService {
  public:
    MarketingChoicesService(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
    core::Result<store::MarketingChoices> Get(int64_t member_id);
    core::Result<store::MarketingChoices> Set(int64_t member_id, const store::MarketingChoices& choices,
                                              const std::string& actor, bool by_staff);
    // The dispatcher's gate: marketing goes only where the member has not objected and has no ad block.
    notify::Dispatcher::MarketingAllowed Gate();

  private:
    store::Database& db_;
    const core::Clock& clock_;
};

// Whether a marketing message on an outbox channel (email, sms, inapp) is allowed by these choices.
bool MarketingAllowedOn(const store::MarketingChoices& choices, const std::string& channel);

}  // namespace andel::app
