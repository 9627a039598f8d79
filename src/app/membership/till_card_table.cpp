#include "app/membership/till_card_table.hpp"

#include <algorithm>
#include <limits>

namespace andel::app {
namespace {

constexpr double kInitialLoad = 0.85;  // the table's fill when built for its expected size
constexpr double kMaxLoad = 0.92;      // live and removed slots beyond this: build it again, 0.8 full

// A member number is 8 digits; kept as its value.
bool ParseNumber(const std::optional<std::string>& text, uint32_t none, uint32_t& out) {
    if (!text) {
        out = none;
        return true;
    }
    if (text->size() != 8) return false;
    uint32_t v = 0;
    for (char ch : *text) {
        if (ch < '0' || ch > '9') return false;
        v = v * 10 + static_cast<uint32_t>(ch - '0');
    }
    out = v;
    return true;
}

std::optional<std::string> FormatNumber(uint32_t v, uint32_t none) {
    if (v == none) return std::nullopt;
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, v /= 10) out[static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    return out;
}

bool FitsId(int64_t id) { return id > 0 && id <= std::numeric_limits<uint32_t>::max(); }

// Card numbers are consecutive: mixed (MurmurHash3's finaliser) before they choose a slot.
uint64_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

size_t CapacityFor(size_t cards, double load) {
    return std::max<size_t>(64, static_cast<size_t>(static_cast<double>(cards) / load) + 1);
}

}  // namespace

uint8_t TillCardTable::Words::Index(const std::string& value) {
    for (size_t i = 0; i < values.size(); ++i)
        if (values[i] == value) return static_cast<uint8_t>(i);
    if (values.size() >= kNoWord) return kNoWord;
    values.push_back(value);
    return static_cast<uint8_t>(values.size() - 1);
}

TillCardTable::TillCardTable(size_t expected_cards) : slots_(CapacityFor(expected_cards, kInitialLoad)) {}

size_t TillCardTable::Home(uint64_t card) const {
    // Maps the mixed key onto [0, capacity) without a division.
    return static_cast<size_t>((static_cast<unsigned __int128>(Mix(card)) * slots_.size()) >> 64);
}

TillCardTable::Found TillCardTable::Find(int64_t card_number, store::TillIdentityRecord& out) const {
    const auto card = static_cast<uint64_t>(card_number);
    if (card <= kRemoved) return Found::kNo;
    for (size_t i = Home(card);; i = i + 1 == slots_.size() ? 0 : i + 1) {
        const Slot& s = slots_[i];
        if (s.card == kEmpty) return Found::kNo;
        if (s.card != card) continue;
        if (s.ask_database) return Found::kAskDatabase;
        out.member_id = s.member_id;
        out.member_number = FormatNumber(s.member_number, kNoNumber);
        out.first_name = names_[s.first_name];
        out.kind = words_[0].values[s.kind_status >> 4];
        out.status = words_[1].values[s.kind_status & 15];
        out.market = words_[2].values[s.market_role >> 4];
        const uint8_t role = s.market_role & 15;
        out.household_role =
            role == kNoWord ? std::nullopt : std::optional<std::string>(words_[3].values[role]);
        out.household_id = s.household_id ? std::optional<int64_t>(s.household_id) : std::nullopt;
        out.owner_member_number = FormatNumber(s.owner_member_number, kNoNumber);
        out.household_size = s.household_size;
        return Found::kYes;
    }
}

bool TillCardTable::Encode(const store::TillIdentityRecord& r, Slot& s) {
    if (!FitsId(r.member_id)) return false;
    s.member_id = static_cast<uint32_t>(r.member_id);
    if (r.household_id) {
        if (!FitsId(*r.household_id) || r.household_size < 0 || r.household_size > 255) return false;
        s.household_id = static_cast<uint32_t>(*r.household_id);
        s.household_size = static_cast<uint8_t>(r.household_size);
    } else {
        if (r.household_size != 0) return false;
        s.household_id = 0;
        s.household_size = 0;
    }
    if (!ParseNumber(r.member_number, kNoNumber, s.member_number) ||
        !ParseNumber(r.owner_member_number, kNoNumber, s.owner_member_number))
        return false;
    const uint8_t kind = words_[0].Index(r.kind), status = words_[1].Index(r.status),
                  market = words_[2].Index(r.market),
                  role = r.household_role ? words_[3].Index(*r.household_role) : kNoWord;
    if (kind == kNoWord || status == kNoWord || market == kNoWord || (r.household_role && role == kNoWord))
        return false;
    s.kind_status = static_cast<uint8_t>(kind << 4 | status);
    s.market_role = static_cast<uint8_t>(market << 4 | role);
    auto [it, added] = name_index_.try_emplace(r.first_name, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(r.first_name);
    s.first_name = it->second;
    s.ask_database = 0;
    return true;
}

void TillCardTable::Put(int64_t card_number, const store::TillIdentityRecord& identity) {
    const auto card = static_cast<uint64_t>(card_number);
    if (card <= kRemoved) return;  // not a card number: never asked for
    if (static_cast<double>(used_ + 1) > kMaxLoad * static_cast<double>(slots_.size()))
        Rehash(CapacityFor(live_ + 1, 0.8));
    Slot slot;
    slot.card = card;
    if (!Encode(identity, slot)) slot = Slot{card, 0, 0, kNoNumber, kNoNumber, 0, 0, 0, 0, 1};
    size_t reuse = slots_.size();  // the first removed slot on the way, if the card is not there
    for (size_t i = Home(card);; i = i + 1 == slots_.size() ? 0 : i + 1) {
        Slot& s = slots_[i];
        if (s.card == card) {
            s = slot;
            return;
        }
        if (s.card == kRemoved && reuse == slots_.size()) reuse = i;
        if (s.card == kEmpty) {
            if (reuse == slots_.size()) {
                reuse = i;
                ++used_;
            }
            slots_[reuse] = slot;
            ++live_;
            return;
        }
    }
}

void TillCardTable::Remove(int64_t card_number) {
    const auto card = static_cast<uint64_t>(card_number);
    if (card <= kRemoved) return;
    for (size_t i = Home(card);; i = i + 1 == slots_.size() ? 0 : i + 1) {
        Slot& s = slots_[i];
        if (s.card == kEmpty) return;
        if (s.card == card) {
            s = Slot{};
            s.card = kRemoved;
            --live_;
            return;
        }
    }
}

void TillCardTable::Rehash(size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    used_ = live_;
    for (const Slot& s : old) {
        if (s.card <= kRemoved) continue;
        size_t i = Home(s.card);
        while (slots_[i].card != kEmpty) i = i + 1 == slots_.size() ? 0 : i + 1;
        slots_[i] = s;
    }
}

size_t TillCardTable::bytes() const {
    size_t names = 0;
    for (const auto& n : names_) names += n.capacity() + sizeof(std::string) * 2 + 16;
    return slots_.size() * sizeof(Slot) + names;
}

}  // namespace andel::app
