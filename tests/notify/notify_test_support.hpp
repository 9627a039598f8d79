#pragma once
// Helpers shared by the notify tests: a clock, a sealer, members to address in-app messages to, and reading
// the outbox back.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"
#include "store/notify/outbox_repository.hpp"

namespace andel::test {

inline constexpr int64_t kNotifyNow = 1'795'435'200'000;  // 2026-11-23T08:00:00Z
inline const std::string kNotifySecret = "the test deployment's secret, long enough to seal";

// A member (and the person behind it), for the outbox's and inbox's foreign keys.
inline int64_t InsertMember(store::Database& db, const std::string& first_name) {
    store::Transaction tx(db);
    auto& c = tx.conn();
    int64_t person =
        c.QueryOne(
             "INSERT INTO persons (market, first_name, last_name, name_key, birth_date, created_at, "
             "updated_at) VALUES ('dk', $1, 'Jensen', $2, '1980-01-01', $3, $3) RETURNING id",
             {store::Text(first_name), store::Text("jensen " + first_name), store::Int(kNotifyNow)})
            ->Int(0);
    int64_t member = c.QueryOne(
                          "INSERT INTO members (person_id, kind, status, market, joined_at) "
                          "VALUES ($1, 'member', 'active', 'dk', $2) RETURNING id",
                          {store::Int(person), store::Int(kNotifyNow)})
                         ->Int(0);
    tx.Commit();
    return member;
}

inline store::OutboxRecord OutboxRow(store::Database& db, int64_t id) {
    auto c = db.Read();
    auto r = store::OutboxRepository(*c).Find(id);
    if (!r) throw std::runtime_error("no outbox row " + std::to_string(id));
    return *r;
}

inline int64_t CountRows(store::Database& db, const std::string& table) {
    auto c = db.Read();
    return c->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
}

}  // namespace andel::test
