#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"

namespace andel::notify {

// A message to send: rendered from the catalogue (i18n/messages.toml) with `params`.
struct OutgoingMessage {
    std::optional<int64_t> account_id, member_id;
    std::string channel;    // email | sms | inapp
    std::string recipient;  // e-mail address, "+4512345678", or empty for in-app
    std::string template_key;
    std::string language;    // da | nb | sv | en; others fall back to English
    bool marketing = false;  // R_PRIV_1: only sent when the member's choices allow it
    nlohmann::json params = nlohmann::json::object();
};

// Addresses a service message to a member's own contact: e-mail when on file, else SMS, else the in-app
// inbox (m.member_id must then be set).
void AddressToContact(OutgoingMessage& m, const std::optional<std::string>& email,
                      const std::optional<std::string>& phone);

// Writes a message to the outbox in the caller's transaction (`c` must be inside one), so it is sent if and
// only if the change that causes it commits. Renders at once, so a missing parameter or an unknown template
// fails here, in the caller; subject and body are stored sealed (R_PRIV_5). Due immediately. Invalid for an
// unknown channel, a recipient that does not fit it (e-mail: one '@'; SMS: '+' and 8-15 digits; in-app: a
// member), a message carrying a code or link for the in-app inbox (stored in clear), or a rendering error.
core::Result<int64_t> Enqueue(store::Connection& c, const Sealer& sealer, const OutgoingMessage& m,
                              core::Timestamp now);

// A message in the outbox with its subject and body opened (for the demo's /dev/outbox and `andel outbox`:
// operators and developers only, never members).
struct OutboxEntry {
    int64_t id = 0;
    std::optional<int64_t> account_id, member_id;
    std::string channel, recipient, template_key, language;
    bool marketing = false;
    std::string status;  // pending | sending | sent | failed | suppressed
    int64_t attempts = 0;
    core::Timestamp created_at, next_attempt_at;
    std::optional<core::Timestamp> sent_at;
    std::string last_error;
    std::string subject, body;  // empty when the sealed body cannot be opened (another key)
};

// Newest first, at most `limit` (1..500). `before_id` > 0 continues a listing below that id (the last id of
// the previous page); `recipient_filter` keeps one recipient's messages.
std::vector<OutboxEntry> ListOutbox(store::Connection& c, const Sealer& sealer, int64_t before_id, int limit,
                                    std::optional<std::string> recipient_filter = std::nullopt);

// The in-app inbox a member reads through the API.
struct InboxMessage {
    int64_t id = 0;
    int64_t member_id = 0;
    std::string subject, body;
    core::Timestamp created_at;
    std::optional<core::Timestamp> read_at;
};

// A member's in-app messages, newest first, at most `limit` (1..200); `before_id` continues below that id.
std::vector<InboxMessage> ListInbox(store::Connection& c, int64_t member_id, std::optional<int64_t> before_id,
                                    int limit);
// Marks the member's own message read; false when it is not theirs, does not exist or was read already.
bool MarkInboxRead(store::Connection& c, int64_t member_id, int64_t message_id, core::Timestamp now);
int64_t UnreadCount(store::Connection& c, int64_t member_id);

// Recipient checks used by Enqueue, exposed for callers that validate input first.
bool IsEmailAddress(const std::string& s);
bool IsPhoneNumber(const std::string& s);  // E.164-ish: '+' and 8-15 digits

}  // namespace andel::notify
