#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ledger/journal.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ledger/ledger_repository.hpp"

namespace andel::app {

// Set-based steps shared by the batch jobs (ExpiryJob, DividendJob): a few statements per batch where a
// loop would run a few per row.

// The entries of `source_kind` among `keys` that are posted: their ids by source key. IN lists of up to
// store::kMaxChunk keys, so a few statements for any number of keys.
std::unordered_map<std::string, int64_t> PostedEntries(store::Connection& c, const std::string& source_kind,
                                                       const std::vector<std::string>& keys);

// LedgerRepository::PostMany for one batch of a job. A source of the batch posted meanwhile (by another
// run: not possible while the job holds its lease) is thrown as a unique violation, so InTransaction
// retries the batch, which then finds it posted.
core::Result<store::PostedBatch> PostBatch(store::LedgerRepository& ledger,
                                           const std::vector<core::JournalEntry>& entries, int64_t now);

}  // namespace andel::app
