#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/auth/auth_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"

namespace andel::app {

struct ContactChangeStarted {
    std::string challenge;  // names the pending change; comes back with the code
    std::string channel;    // email | phone
    std::string destination_hint;  // the new address, masked: "a•••@example.org", "+45 •• •• •• 42"
    int64_t expires_at = 0;  // Unix ms
};

struct ContactChanged {
    std::string channel;  // email | phone
    std::optional<std::string> email, phone;
};

// A member changes their own e-mail or mobile number (issue 8 §1). The change waits for a code sent to the
// NEW address, so a login cannot be moved to an address its holder does not read; the old address, if any,
// is told afterwards. One pending change per member (a new request replaces it); the code is 6 digits, valid
// 15 minutes, 5 tries; at most 5 requests a day. The demo member's data stays (R_MEM_10).
class ContactChanges {
  public:
    ContactChanges(store::Database& db, const core::Clock& clock, const notify::Sealer& sealer,
                   const auth::AuthService& auth)
        : db_(db), clock_(clock), sealer_(sealer), auth_(auth) {}

    // `channel`: "email" or "phone" (international form, +4512345678; spaces and dashes are dropped);
    // `language` is the messages'.
    core::Result<ContactChangeStarted> Start(int64_t member_id, const std::string& channel,
                                             const std::string& value, const std::string& language);
    core::Result<ContactChanged> Confirm(int64_t member_id, const std::string& challenge,
                                         const std::string& code, const std::string& language,
                                         const std::string& actor);

    static constexpr int64_t kValidMs = 15 * 60 * 1000;
    static constexpr int kAttempts = 5;
    static constexpr int kRequestsPerDay = 5;

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const notify::Sealer& sealer_;
    const auth::AuthService& auth_;
};

}  // namespace andel::app
