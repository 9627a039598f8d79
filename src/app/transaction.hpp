#pragma once
#include <utility>

#include "store/database.hpp"

namespace andel::app {

// Runs `body(connection)` in a write transaction and commits when it returns a value (a Result that is ok);
// an error Result rolls back. A busy database, a serialisation failure, or a unique-key clash with a
// concurrent writer (the retry then sees the winner's row) is retried a few times; other failures propagate.
template <typename F>
auto InTransaction(store::Database& db, F&& body) -> decltype(body(std::declval<store::Connection&>())) {
    for (int attempt = 0;; ++attempt) {
        try {
            store::Transaction tx(db);
            auto result = body(tx.conn());
            if (result.ok()) tx.Commit();
            return result;
        } catch (const store::DbError& e) {
            bool retry = e.kind() == store::DbError::Kind::kBusy ||
                         e.kind() == store::DbError::Kind::kSerialization ||
                         e.kind() == store::DbError::Kind::kUniqueViolation;
            if (!retry || attempt >= 4) throw;
        }
    }
}

}  // namespace andel::app
