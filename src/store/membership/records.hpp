#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace andel::store {

struct CooperativeRecord {
    int64_t id = 0;
    std::string market, code, name;
};

struct StoreRecord {
    int64_t id = 0;
    int64_t cooperative_id = 0;
    std::string code, name, city;
};

struct PersonRecord {
    int64_t id = 0;
    std::string market;
    std::optional<std::string> national_id_hash;
    std::string first_name, last_name, birth_date;  // birth_date 'YYYY-MM-DD'
    std::optional<std::string> email, phone;
    std::string street, postal_code, city;
};

// A member joined with their person and household place: what most reads need.
struct MemberRecord {
    int64_t id = 0;
    int64_t person_id = 0;
    std::optional<std::string> member_number;
    std::string kind;    // "member" | "profile"
    std::string status;  // "active" | "ended"
    std::string market;
    std::optional<int64_t> cooperative_id, home_store_id;
    int64_t share_paid_minor = 0;
    std::optional<int64_t> share_paid_at, new_login_at;
    bool is_demo = false;
    int64_t joined_at = 0;
    std::optional<int64_t> ended_at;
    std::optional<int64_t> household_id;
    std::optional<std::string> household_role;  // "owner" | "participant"
    int64_t version = 1;
    PersonRecord person;
};

struct CardRecord {
    int64_t id = 0;
    std::string card_number;
    int64_t member_id = 0;
    std::string status;  // ordered | active | blocked | replaced | revoked
    std::optional<int64_t> replaces_card_id;
    int64_t issued_at = 0, status_changed_at = 0;
    std::string status_reason;
};

struct HouseholdMemberRecord {
    int64_t member_id = 0;
    std::string role;
    int64_t joined_at = 0;
    std::optional<std::string> member_number;
    std::string first_name, last_name;
};

struct HouseholdRecord {
    int64_t id = 0;
    int64_t owner_member_id = 0;
    int64_t created_at = 0;
    std::vector<HouseholdMemberRecord> members;  // owner first, then participants by joining time
};

// What a till needs to register a purchase (R_CARD_2), read in one query: no contact data.
struct TillIdentityRecord {
    int64_t member_id = 0;
    std::optional<std::string> member_number;
    std::string first_name, kind, status, market;
    std::optional<int64_t> household_id;
    std::optional<std::string> household_role;
    std::optional<std::string> owner_member_number;
    int64_t household_size = 0;
};

// One row of till_cards: an active card and what a till learns from it.
struct TillCardRecord {
    int64_t card_number = 0;  // the 16 digits as a number
    TillIdentityRecord identity;
};

// One entry of till_card_changes (migration 0026) with the card's row as it is now: none when the card is
// no longer active. No card at all: till_cards was filled in bulk, everything must be read again.
struct TillCardChange {
    int64_t seq = 0;
    std::optional<int64_t> card_number;
    std::optional<TillIdentityRecord> now;
};
struct TillCardChanges {
    int64_t pruned_through = 0;  // read in the same snapshot: above the seq asked after, changes were missed
    std::vector<TillCardChange> changes;
};

// The few facts about a member that posting a receipt needs (the till's hot path: no person row).
struct EarnerRecord {
    int64_t id = 0;
    std::optional<std::string> member_number;
    std::string kind, status, market;
    std::optional<int64_t> cooperative_id, household_id;
};

struct TermsRecord {
    int64_t id = 0;
    std::string market, version, summary;
    bool major = false;
    int64_t published_at = 0;
    std::string body;                    // the full text (R_MEM_9: always published)
    std::optional<int64_t> notified_at;  // a major change: when every member had been told
};

struct MemberEventRecord {
    int64_t id = 0;
    int64_t member_id = 0;
    std::string kind, detail, actor;
    int64_t at = 0;
};

}  // namespace andel::store
