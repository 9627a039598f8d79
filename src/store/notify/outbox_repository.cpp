#include "store/notify/outbox_repository.hpp"

namespace andel::store {
namespace {

constexpr const char* kOutboxColumns =
    "id, account_id, member_id, channel, recipient, template, language, marketing, sealed_body, status, "
    "attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at";
constexpr const char* kInboxColumns = "id, member_id, outbox_id, subject, body, created_at, read_at";

OutboxRecord ReadOutbox(const Row& r) {
    OutboxRecord o;
    o.id = r.Int(0);
    o.account_id = r.OptInt(1);
    o.member_id = r.OptInt(2);
    o.channel = r.Text(3);
    o.recipient = r.Text(4);
    o.template_key = r.Text(5);
    o.language = r.Text(6);
    o.marketing = r.Bool(7);
    o.sealed_body = r.Text(8);
    o.status = r.Text(9);
    o.attempts = r.Int(10);
    o.next_attempt_at = r.Int(11);
    o.claimed_until = r.OptInt(12);
    o.last_error = r.Text(13);
    o.created_at = r.Int(14);
    o.sent_at = r.OptInt(15);
    return o;
}

InboxRecord ReadInbox(const Row& r) {
    return {r.Int(0), r.Int(1), r.OptInt(2), r.Text(3), r.Text(4), r.Int(5), r.OptInt(6)};
}

Value OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }

}  // namespace

int64_t OutboxRepository::Insert(const OutboxRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO outbox (account_id, member_id, channel, recipient, template, language, marketing, "
            "sealed_body, status, attempts, next_attempt_at, last_error, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            {OptInt(r.account_id), OptInt(r.member_id), Text(r.channel), Text(r.recipient),
             Text(r.template_key), Text(r.language), Int(r.marketing ? 1 : 0), Text(r.sealed_body),
             Text(r.status), Int(r.attempts), Int(r.next_attempt_at), Text(r.last_error), Int(r.created_at)})
        ->Int(0);
}

std::optional<OutboxRecord> OutboxRepository::Find(int64_t id) {
    std::string sql = "SELECT ";
    sql += kOutboxColumns;
    sql += " FROM outbox WHERE id = $1";
    auto r = c_.QueryOne(sql, {Int(id)});
    if (!r) return std::nullopt;
    return ReadOutbox(*r);
}

std::vector<OutboxRecord> OutboxRepository::List(int64_t before_id, int limit,
                                                 const std::optional<std::string>& recipient) {
    std::string sql = "SELECT ";
    sql += kOutboxColumns;
    sql +=
        " FROM outbox WHERE (CAST($1 AS BIGINT) = 0 OR id < $1) AND (CAST($2 AS TEXT) = '' OR recipient = "
        "$2) ORDER BY id DESC LIMIT $3";
    std::vector<OutboxRecord> out;
    for (const auto& r : c_.Query(sql, {Int(before_id), Text(recipient.value_or("")), Int(limit)}))
        out.push_back(ReadOutbox(r));
    return out;
}

std::vector<OutboxRecord> OutboxRepository::ClaimDue(int64_t now, int64_t claimed_until, int limit,
                                                     const std::vector<std::string>& channels) {
    std::vector<OutboxRecord> out;
    if (limit <= 0 || channels.empty()) return out;
    std::string sql = "SELECT ";
    sql += kOutboxColumns;
    sql +=
        " FROM outbox WHERE ((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND "
        "claimed_until <= $1)) AND channel IN (";
    std::vector<Value> params{Int(now), Int(limit)};
    for (size_t i = 0; i < channels.size(); ++i) {
        if (i) sql += ", ";
        sql += '$';
        sql += std::to_string(params.size() + 1);
        params.push_back(Text(channels[i]));
    }
    sql += ") ORDER BY next_attempt_at, id LIMIT $2";
    if (c_.engine() == Engine::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
    for (const auto& r : c_.Query(sql, params)) {
        OutboxRecord o = ReadOutbox(r);
        c_.Execute("UPDATE outbox SET status = 'sending', claimed_until = $2 WHERE id = $1",
                   {Int(o.id), Int(claimed_until)});
        o.status = "sending";
        o.claimed_until = claimed_until;
        out.push_back(std::move(o));
    }
    return out;
}

bool OutboxRepository::MarkSent(int64_t id, int64_t now) {
    return c_.Execute(
               "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = '' "
               "WHERE id = $1 AND status = 'sending'",
               {Int(id), Int(now)}) == 1;
}

bool OutboxRepository::MarkRetry(int64_t id, int64_t attempts, const std::string& error,
                                 int64_t next_attempt_at) {
    return c_.Execute(
               "UPDATE outbox SET status = 'pending', attempts = $2, last_error = $3, next_attempt_at = $4, "
               "claimed_until = NULL WHERE id = $1 AND status = 'sending'",
               {Int(id), Int(attempts), Text(error), Int(next_attempt_at)}) == 1;
}

bool OutboxRepository::MarkFailed(int64_t id, int64_t attempts, const std::string& error) {
    return c_.Execute(
               "UPDATE outbox SET status = 'failed', attempts = $2, last_error = $3, claimed_until = NULL "
               "WHERE id = $1 AND status = 'sending'",
               {Int(id), Int(attempts), Text(error)}) == 1;
}

bool OutboxRepository::MarkSuppressed(int64_t id, const std::string& reason) {
    return c_.Execute(
               "UPDATE outbox SET status = 'suppressed', last_error = $2, claimed_until = NULL "
               "WHERE id = $1 AND status = 'sending'",
               {Int(id), Text(reason)}) == 1;
}

bool OutboxRepository::Release(int64_t id) {
    return c_.Execute(
               "UPDATE outbox SET status = 'pending', claimed_until = NULL WHERE id = $1 AND status = "
               "'sending'",
               {Int(id)}) == 1;
}

bool OutboxRepository::InsertInbox(const InboxRecord& r) {
    return c_.Execute(
               "INSERT INTO inbox_messages (member_id, outbox_id, subject, body, created_at, read_at) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (outbox_id) DO NOTHING",
               {Int(r.member_id), OptInt(r.outbox_id), Text(r.subject), Text(r.body), Int(r.created_at),
                OptInt(r.read_at)}) == 1;
}

std::vector<InboxRecord> OutboxRepository::ListInbox(int64_t member_id, std::optional<int64_t> before_id,
                                                     int limit) {
    std::string sql = "SELECT ";
    sql += kInboxColumns;
    sql +=
        " FROM inbox_messages WHERE member_id = $1 AND (CAST($2 AS BIGINT) = 0 OR id < $2) ORDER BY id DESC "
        "LIMIT $3";
    std::vector<InboxRecord> out;
    for (const auto& r : c_.Query(sql, {Int(member_id), Int(before_id.value_or(0)), Int(limit)}))
        out.push_back(ReadInbox(r));
    return out;
}

bool OutboxRepository::MarkInboxRead(int64_t member_id, int64_t message_id, int64_t now) {
    return c_.Execute(
               "UPDATE inbox_messages SET read_at = $3 WHERE id = $2 AND member_id = $1 AND read_at IS NULL",
               {Int(member_id), Int(message_id), Int(now)}) == 1;
}

int64_t OutboxRepository::UnreadCount(int64_t member_id) {
    return c_
        .QueryOne("SELECT COUNT(*) FROM inbox_messages WHERE member_id = $1 AND read_at IS NULL",
                  {Int(member_id)})
        ->Int(0);
}

}  // namespace andel::store
