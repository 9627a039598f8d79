#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct PersonaliseMember {
    int64_t id = 0;
    std::string kind;  // member | customer (a customer with a profile, R_MEM_1)
};

struct PurchaseRecord {
    int64_t member_id = 0, occurred_at = 0;
    std::string lines_json;  // [[sku, category, quantity, amount_minor, discount_minor], ...]
};

struct SelectionRecord {
    int64_t offer_id = 0;
    std::string source;  // backoffice | personalise
    bool activated = false;
};

// What the weekly personalisation (app::PersonaliseService, R_OFF_3, R_PRIV_2) reads and writes: the members
// who consented, their receipts, and the personal offers assigned to them (offer_assignments, migration 0017,
// source 'personalise' for the job's own selections). Portable SQL, but for the lists of ids (json_each on
// SQLite, arrays on PostgreSQL).
class PersonaliseRepository {
  public:
    explicit PersonaliseRepository(Connection& c) : c_(c) {}

    // Active members of the market whose latest answer for `purpose` is a consent, by id, after `after`.
    std::vector<PersonaliseMember> ConsentingMembers(const std::string& market, const std::string& purpose,
                                                     int64_t after, int64_t limit);
    // Members of the market holding selections of the job (source 'personalise') who are no longer active
    // or whose latest answer for `purpose` is not a consent, by id, after `after`.
    std::vector<int64_t> SelectedWithoutConsent(const std::string& market, const std::string& purpose,
                                                int64_t after, int64_t limit);
    // The sales receipts (not returns) of these members in [from, to), by member, time and id.
    std::vector<PurchaseRecord> Purchases(const std::vector<int64_t>& member_ids, int64_t from, int64_t to);
    // Every personal offer assigned to these members, whoever assigned it, with whether it was activated.
    std::map<int64_t, std::vector<SelectionRecord>> Selections(const std::vector<int64_t>& member_ids);
    // The market's products: EAN -> catalogue category id.
    std::map<std::string, int64_t> ProductCategories(const std::string& market);

    // Selections of the job, as (offer, member) pairs, in one statement; returns how many were added (a pair
    // the member has already, from the back office or before, is left as it is).
    int64_t AddSelections(const std::vector<std::pair<int64_t, int64_t>>& offer_members, int64_t now);
    // Removes these selections of the job in one statement; an assignment from the back office is never
    // touched. Returns how many.
    int64_t RemoveSelections(const std::vector<std::pair<int64_t, int64_t>>& offer_members);
    // Removes every selection of the job for these members; returns how many.
    int64_t RemoveAllSelections(const std::vector<int64_t>& member_ids);

  private:
    Connection& c_;
};

}  // namespace andel::store
