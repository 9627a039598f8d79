#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

// A row of `outbox`: one message to send, its body sealed (R_PRIV_5). Times are Unix milliseconds.
struct OutboxRecord {
    int64_t id = 0;
    std::optional<int64_t> account_id, member_id;
    std::string channel;  // email | sms | inapp
    std::string recipient;
    std::string template_key, language;
    bool marketing = false;
    std::string sealed_body;
    std::string status = "pending";  // pending | sending | sent | failed | suppressed
    int64_t attempts = 0;
    int64_t next_attempt_at = 0;
    std::optional<int64_t> claimed_until;
    std::string last_error;
    int64_t created_at = 0;
    std::optional<int64_t> sent_at;
};

// A row of `inbox_messages`: an in-app message a member reads through the API.
struct InboxRecord {
    int64_t id = 0;
    int64_t member_id = 0;
    std::optional<int64_t> outbox_id;
    std::string subject, body;
    int64_t created_at = 0;
    std::optional<int64_t> read_at;
};

// Persistence of the notification outbox and the in-app inbox. Runs on the caller's connection or
// transaction.
class OutboxRepository {
  public:
    explicit OutboxRepository(Connection& c) : c_(c) {}

    int64_t Insert(const OutboxRecord& r);
    std::optional<OutboxRecord> Find(int64_t id);
    // Newest first; `before_id` > 0 continues a listing below that id; `recipient` filters exactly.
    std::vector<OutboxRecord> List(int64_t before_id, int limit, const std::optional<std::string>& recipient);

    // Inside a write transaction: takes up to `limit` messages that are due at `now` (pending and
    // next_attempt_at <= now, or sending and claimed_until <= now, i.e. abandoned by a dispatcher that
    // stopped) on one of `channels`, and marks them 'sending' until `claimed_until`. On PostgreSQL the rows
    // are locked with FOR UPDATE SKIP LOCKED, so concurrent dispatchers claim disjoint sets; on SQLite the
    // single writer serialises claims. Oldest due first.
    std::vector<OutboxRecord> ClaimDue(int64_t now, int64_t claimed_until, int limit,
                                       const std::vector<std::string>& channels);
    // Each of these changes a message only while it is 'sending' (claimed); false otherwise.
    bool MarkSent(int64_t id, int64_t now);
    bool MarkRetry(int64_t id, int64_t attempts, const std::string& error, int64_t next_attempt_at);
    bool MarkFailed(int64_t id, int64_t attempts, const std::string& error);
    bool MarkSuppressed(int64_t id, const std::string& reason);
    // Gives a claimed message back unsent (the claim would run out before it could be sent).
    bool Release(int64_t id);

    // Idempotent on the outbox id: false when that message is in the inbox already.
    bool InsertInbox(const InboxRecord& r);
    // Newest first; `before_id` continues a listing below that id.
    std::vector<InboxRecord> ListInbox(int64_t member_id, std::optional<int64_t> before_id, int limit);
    // Marks a member's own message read (the first time); false when it is not theirs or was read already.
    bool MarkInboxRead(int64_t member_id, int64_t message_id, int64_t now);
    int64_t UnreadCount(int64_t member_id);

  private:
    Connection& c_;
};

}  // namespace andel::store
