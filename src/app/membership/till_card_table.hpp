#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/membership/records.hpp"

namespace andel::app {

// till_cards in memory, small enough to hold every card of a large cooperative: one 32-byte slot per card in
// an open-addressing table (linear probing, at most 0.92 full), about 150 MB for 4 000 000 cards. First names
// are kept once each; kind, status, market and role as a few bits. A row the slot cannot hold (an id beyond
// 32 bits, an unexpected member number, more than 15 distinct kinds...) is kept as "ask the database", so
// the table is never wrong, only sometimes not the one that answers.
// Not thread-safe: TillCardCache guards it.
class TillCardTable {
  public:
    explicit TillCardTable(size_t expected_cards = 0);

    enum class Found { kYes, kNo, kAskDatabase };
    Found Find(int64_t card_number, store::TillIdentityRecord& out) const;
    void Put(int64_t card_number, const store::TillIdentityRecord& identity);
    void Remove(int64_t card_number);

    size_t size() const { return live_; }
    size_t capacity() const { return slots_.size(); }
    size_t bytes() const;  // the slots and the names, for the log

  private:
    static constexpr uint64_t kEmpty = 0, kRemoved = 1;  // never card numbers (16 digits)
    static constexpr uint32_t kNoNumber = UINT32_MAX;
    static constexpr uint8_t kNoWord = 15;
    struct Slot {
        uint64_t card = kEmpty;
        uint32_t member_id = 0;
        uint32_t household_id = 0;  // 0: none
        uint32_t member_number = kNoNumber;
        uint32_t owner_member_number = kNoNumber;
        uint32_t first_name = 0;  // index in names_
        uint8_t household_size = 0;
        uint8_t kind_status = 0;   // words_[0] index << 4 | words_[1] index
        uint8_t market_role = 0;   // words_[2] index << 4 | words_[3] index (kNoWord: no role)
        uint8_t ask_database = 0;  // 1: the row did not fit; only the card is known
    };
    static_assert(sizeof(Slot) == 32);

    // A handful of distinct values of one column (kind, status, market or role), by a 4-bit index.
    struct Words {
        std::vector<std::string> values;
        uint8_t Index(const std::string& value);  // kNoWord when full
    };

    size_t Home(uint64_t card) const;
    bool Encode(const store::TillIdentityRecord& identity, Slot& slot);
    void Rehash(size_t capacity);

    std::vector<Slot> slots_;
    size_t live_ = 0, used_ = 0;  // used: live and removed slots (a probe walks over both)
    std::vector<std::string> names_;
    std::unordered_map<std::string, uint32_t> name_index_;
    Words words_[4];  // kind, status, market, household role
};

}  // namespace andel::app
