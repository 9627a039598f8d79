#pragma once
#include "http/api/api.hpp"
#include "http/router.hpp"

namespace andel::web {

// The pages for people (DESIGN.md "src/web"): My pages, the store's price checker, the back
// office, and their static files.
void AddWebRoutes(http::Router& router, http::Services& s);

void AddMyPages(http::Router& router, http::Services& s);
void AddMyAccountPages(http::Router& router, http::Services& s);
// Receipts with their lines and partners by category (src/web/my_rewards.cpp; R_BON_8, R_PART_2).
void AddMyRewardsPages(http::Router& router, http::Services& s);
void AddPriceCheckerPages(http::Router& router, http::Services& s);
// The back office for staff (src/web/back_office.cpp): search, a member's page, actions with a reason.
void AddBackOfficePages(http::Router& router, http::Services& s);
// Partners, offers, re-login campaigns and reports for staff (src/web/back_office_admin.cpp), and the back
// office's navigation: only what the staff member's roles may use.
void AddBackOfficeAdminPages(http::Router& router, http::Services& s);
nlohmann::json BackOfficeNav(const http::Principal& p, const std::string& lang, const std::string& active);
// "Glömt lösenord" and the link's page, for members, staff and portal users (src/web/password_pages.cpp).
void AddPasswordPages(http::Router& router, http::Services& s);
// Ombudshandel Online (src/web/portal.cpp, portal_admin.cpp): orderers shop for end customers (R_OMB_*).
void AddPortalPages(http::Router& router, http::Services& s);
void AddPortalAdminPages(http::Router& router, http::Services& s);
void AddStaticFiles(http::Router& router);

}  // namespace andel::web
