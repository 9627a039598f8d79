#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
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
// source 'personalise' for the job's own selections). Portable SQL, the same on SQLite and PostgreSQL.
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

    // A selection of the job; false when the member has the offer already (from the back office or before).
    bool AddSelection(int64_t offer_id, int64_t member_id, int64_t now);
    // Removes a selection of the job; an assignment from the back office is never touched.
    bool RemoveSelection(int64_t offer_id, int64_t member_id);
    // Removes every selection of the job for these members; returns how many.
    int64_t RemoveAllSelections(const std::vector<int64_t>& member_ids);

  private:
    Connection& c_;
};

}  // namespace andel::store
