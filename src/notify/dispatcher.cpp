#include "notify/dispatcher.hpp"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <vector>

#include "store/notify/outbox_repository.hpp"

namespace andel::notify {
namespace {

constexpr size_t kMaxErrorLength = 200;

// Runs `body(connection)` in a write transaction and commits; a busy database or a serialisation failure is
// retried a few times.
template <typename F>
auto InWriteTransaction(store::Database& db, F&& body) {
    for (int attempt = 0;; ++attempt) {
        try {
            store::Transaction tx(db);
            auto result = body(tx.conn());
            tx.Commit();
            return result;
        } catch (const store::DbError& e) {
            bool retry =
                e.kind() == store::DbError::Kind::kBusy || e.kind() == store::DbError::Kind::kSerialization;
            if (!retry || attempt >= 4) throw;
        }
    }
}

// Channel errors name the failure, never the message (R_PRIV_5): they are stored and shown to operators.
std::string ShortError(std::string error) {
    for (char& ch : error)
        if (ch == '\r' || ch == '\n') ch = ' ';
    if (error.empty()) error = "channel failed";
    if (error.size() > kMaxErrorLength) error.resize(kMaxErrorLength);
    return error;
}

core::Error ChannelError(std::string detail) {
    core::Error e;
    e.code = core::ErrorCode::kUnavailable;
    e.detail = std::move(detail);
    return e;
}

}  // namespace

Dispatcher::Dispatcher(store::Database& db, const core::Clock& clock, const Sealer& sealer, Channels channels,
                       MarketingAllowed marketing_allowed)
    : db_(db),
      clock_(clock),
      sealer_(sealer),
      channels_(std::move(channels)),
      marketing_allowed_(std::move(marketing_allowed)) {}

int64_t Dispatcher::BackoffMs(int64_t attempts) {
    constexpr int64_t kFirst = 30'000, kMax = 3'600'000;
    int64_t delay = kFirst;
    for (int64_t i = 1; i < attempts && delay < kMax; ++i) delay *= 2;
    return std::min(delay, kMax);
}

DispatchReport Dispatcher::RunOnce(int max_messages) {
    max_messages = std::clamp(max_messages, 1, 500);
    std::vector<std::string> channels{"inapp"};
    if (channels_.email) channels.push_back("email");
    if (channels_.sms) channels.push_back("sms");

    const int64_t now = core::ToMillis(clock_.Now());
    const int64_t claimed_until = now + kClaimMs;
    auto claimed = InWriteTransaction(db_, [&](store::Connection& c) {
        return store::OutboxRepository(c).ClaimDue(now, claimed_until, max_messages, channels);
    });

    DispatchReport report;
    report.claimed = static_cast<int>(claimed.size());
    for (const auto& r : claimed) {
        switch (Deliver(r, claimed_until)) {
            case Outcome::kSent:
                ++report.sent;
                break;
            case Outcome::kRetried:
                ++report.retried;
                break;
            case Outcome::kFailed:
                ++report.failed;
                break;
            case Outcome::kSuppressed:
                ++report.suppressed;
                break;
            case Outcome::kReleased:
                ++report.released;
                break;
        }
    }
    return report;
}

Dispatcher::Outcome Dispatcher::Deliver(const store::OutboxRecord& r, int64_t claimed_until) {
    // Too little of the claim left to send safely: another run may claim it soon; give it back unsent.
    if (core::ToMillis(clock_.Now()) > claimed_until - kClaimMarginMs) {
        InWriteTransaction(db_,
                           [&](store::Connection& c) { return store::OutboxRepository(c).Release(r.id); });
        return Outcome::kReleased;
    }
    // R_PRIV_1: marketing only where the member's choices allow it; service messages always go.
    if (r.marketing && marketing_allowed_ && (!r.member_id || !marketing_allowed_(*r.member_id, r.channel))) {
        InWriteTransaction(db_, [&](store::Connection& c) {
            return store::OutboxRepository(c).MarkSuppressed(r.id, "marketing not allowed (R_PRIV_1)");
        });
        return Outcome::kSuppressed;
    }

    auto opened = sealer_.Open(r.sealed_body);
    nlohmann::json content = opened ? nlohmann::json::parse(*opened, nullptr, false) : nlohmann::json();
    if (!content.is_object() || !content.contains("subject") || !content.contains("body")) {
        // Sealed under another key, or damaged: no retry can help.
        InWriteTransaction(db_, [&](store::Connection& c) {
            return store::OutboxRepository(c).MarkFailed(r.id, r.attempts + 1,
                                                         "sealed body cannot be opened");
        });
        return Outcome::kFailed;
    }
    const std::string subject = content.value("subject", "");
    const std::string body = content.value("body", "");

    if (r.channel == "inapp") {
        if (!r.member_id) return RecordFailure(r, "in-app message without a member");
        InWriteTransaction(db_, [&](store::Connection& c) {
            store::OutboxRepository repo(c);
            int64_t now = core::ToMillis(clock_.Now());
            repo.InsertInbox({0, *r.member_id, r.id, subject, body, now, std::nullopt});
            return repo.MarkSent(r.id, now);
        });
        return Outcome::kSent;
    }

    const Channels::Send& send = r.channel == "email" ? channels_.email : channels_.sms;
    core::Result<void> sent = ChannelError("no channel for " + r.channel);
    if (send) {
        try {
            sent = send(r.recipient, subject, body);
        } catch (const std::exception&) {
            sent = ChannelError("channel threw an exception");
        }
    }
    if (!sent.ok()) return RecordFailure(r, sent.error().detail);
    InWriteTransaction(db_, [&](store::Connection& c) {
        return store::OutboxRepository(c).MarkSent(r.id, core::ToMillis(clock_.Now()));
    });
    return Outcome::kSent;
}

Dispatcher::Outcome Dispatcher::RecordFailure(const store::OutboxRecord& r, const std::string& error) {
    const int64_t attempts = r.attempts + 1;
    const std::string text = ShortError(error);
    if (attempts >= kMaxAttempts) {
        InWriteTransaction(db_, [&](store::Connection& c) {
            return store::OutboxRepository(c).MarkFailed(r.id, attempts, text);
        });
        return Outcome::kFailed;
    }
    const int64_t next = core::ToMillis(clock_.Now()) + BackoffMs(attempts);
    InWriteTransaction(db_, [&](store::Connection& c) {
        return store::OutboxRepository(c).MarkRetry(r.id, attempts, text, next);
    });
    return Outcome::kRetried;
}

}  // namespace andel::notify
