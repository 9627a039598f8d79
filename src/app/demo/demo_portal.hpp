#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "app/portal/portal_service.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "store/database.hpp"

namespace andel::app {

// The demo's proxy-ordering portal (issue 7): a Swedish municipality's home-care service with two units,
// their weekly delivery slots, four end customers and two logins. Needs the demo dataset (its store
// se-vasteras-1) and the demo catalogue; without that store it seeds nothing (ids 0). Idempotent: an existing
// organisation is left as it is.
inline constexpr const char* kDemoPortalOrdererEmail = "bestallare@vasteras.example";
inline constexpr const char* kDemoPortalAdminEmail = "admin@vasteras.example";
inline constexpr const char* kDemoPortalPassword = "andel-demo-portal";
inline constexpr const char* kDemoPortalOrgNumber = "212000-2080";

struct DemoPortal {
    int64_t organisation_id = 0, orderer_account_id = 0, admin_account_id = 0;
    int64_t centrum_unit_id = 0, backby_unit_id = 0;
    int64_t elsa_id = 0, gunnar_id = 0;  // end customers: Elsa in Centrum, Gunnar in Bäckby
};

DemoPortal SeedDemoPortal(store::Database& db, auth::AuthService& auth, PortalService& portal,
                          const core::Clock& clock);

}  // namespace andel::app
