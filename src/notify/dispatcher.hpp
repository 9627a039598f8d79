#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"

namespace andel::store {
struct OutboxRecord;
}

namespace andel::notify {

// How messages leave: one function per channel (smtp.hpp, sms_gateway.hpp, or a test's sink). A channel
// without a function is not claimed by this dispatcher (a node without SMTP settings leaves e-mail to
// others). In-app messages need no channel: they go to inbox_messages.
struct Channels {
    using Send = std::function<core::Result<void>(const std::string& to, const std::string& subject,
                                                  const std::string& body)>;
    Send email, sms;
};

struct DispatchReport {
    int claimed = 0, sent = 0, retried = 0, failed = 0, suppressed = 0;
    int released = 0;  // claimed but given back unsent: the claim was about to run out
};

// Sends what is due in the outbox (DESIGN.md "Running"). Each run claims due messages in a short
// transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so several nodes never claim the same message; SQLite:
// the single writer), sends them outside any transaction, and records each outcome in a transaction of its
// own. Delivery is at least once: a node that dies between sending and recording leaves a claim that runs
// out after kClaimMs and is sent again.
class Dispatcher {
  public:
    // R_PRIV_1: whether a member's choices allow marketing on a channel. Consulted for marketing messages
    // only; service messages always go. Without a hook marketing goes out (no choices are recorded yet); with
    // one, a marketing message that names no member is suppressed (there is no one to ask).
    using MarketingAllowed = std::function<bool(int64_t member_id, const std::string& channel)>;

    Dispatcher(store::Database& db, const core::Clock& clock, const Sealer& sealer, Channels channels,
               MarketingAllowed marketing_allowed = {});

    // Claims up to `max_messages` (1..500) due messages and sends them.
    DispatchReport RunOnce(int max_messages);

    static constexpr int64_t kClaimMs = 60'000;
    // A message is not started with less than this left of its claim (channels time out after 10 s).
    static constexpr int64_t kClaimMarginMs = 15'000;
    static constexpr int kMaxAttempts = 8;
    // Back-off after the n-th failed attempt: 30 s * 2^(n-1), at most an hour.
    static int64_t BackoffMs(int64_t attempts);

  private:
    enum class Outcome { kSent, kRetried, kFailed, kSuppressed, kReleased };
    Outcome Deliver(const store::OutboxRecord& r, int64_t claimed_until);
    Outcome RecordFailure(const store::OutboxRecord& r, const std::string& error);

    store::Database& db_;
    const core::Clock& clock_;
    const Sealer& sealer_;
    Channels channels_;
    MarketingAllowed marketing_allowed_;
};

}  // namespace andel::notify
