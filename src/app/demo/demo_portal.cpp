#include "app/demo/demo_portal.hpp"

#include <stdexcept>

namespace andel::app {
namespace {

template <typename T>
T Must(core::Result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string("demo portal: ") + what + ": " + r.error().detail);
    return std::move(*r);
}

}  // namespace

DemoPortal SeedDemoPortal(store::Database& db, auth::AuthService& auth, PortalService& portal,
                          const core::Clock& clock) {
    (void)clock;
    DemoPortal d;
    {
        auto c = db.Read();
        // A configuration without Sweden (or a database without the demo's stores) has no demo portal.
        if (!c->QueryOne("SELECT s.id FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
                         "WHERE s.code = 'se-vasteras-1' AND c.market = 'se'"))
            return d;
        if (auto row =
                c->QueryOne("SELECT id FROM portal_organisations WHERE market = 'se' AND org_number = $1",
                            {store::Text(kDemoPortalOrgNumber)})) {
            d.organisation_id = row->Int(0);
            auto id_of = [&](const char* sql, const std::string& name) {
                auto r = c->QueryOne(sql, {store::Int(d.organisation_id), store::Text(name)});
                return r ? r->Int(0) : 0;
            };
            d.centrum_unit_id = id_of("SELECT id FROM portal_units WHERE organisation_id = $1 AND name = $2",
                                      "Hemtjänst Centrum");
            d.backby_unit_id = id_of("SELECT id FROM portal_units WHERE organisation_id = $1 AND name = $2",
                                     "Hemtjänst Bäckby");
            d.elsa_id = id_of("SELECT id FROM portal_end_customers WHERE organisation_id = $1 AND name = $2",
                              "Elsa Lindqvist");
            d.gunnar_id = id_of(
                "SELECT id FROM portal_end_customers WHERE organisation_id = $1 AND name = $2", "Gunnar Ek");
            d.orderer_account_id =
                id_of("SELECT id FROM accounts WHERE organisation_id = $1 AND login_email = $2",
                      kDemoPortalOrdererEmail);
            d.admin_account_id =
                id_of("SELECT id FROM accounts WHERE organisation_id = $1 AND login_email = $2",
                      kDemoPortalAdminEmail);
            return d;
        }
    }
    auto org = Must(portal.CreateOrganisation("se", "Västerås stad, hemtjänst", kDemoPortalOrgNumber,
                                              "se-vasteras-1", "demo"),
                    "organisation");
    d.organisation_id = org.record.id;
    d.admin_account_id =
        Must(auth.SeedStaffAccount(kDemoPortalAdminEmail, "Karin Ahlgren", auth::kRolePortalAdmin,
                                   kDemoPortalPassword, d.organisation_id),
             "admin");
    d.orderer_account_id =
        Must(auth.SeedStaffAccount(kDemoPortalOrdererEmail, "Lena Berg", auth::kRoleOrderer,
                                   kDemoPortalPassword, d.organisation_id),
             "orderer");
    PortalUser admin{d.admin_account_id, d.organisation_id, true, "demo"};
    auto centrum = Must(portal.CreateUnit(admin, "Hemtjänst Centrum", "Postnummer 722 10–722 20"), "unit");
    auto backby = Must(portal.CreateUnit(admin, "Hemtjänst Bäckby", "Postnummer 723 50–723 59"), "unit");
    d.centrum_unit_id = centrum.unit.id;
    d.backby_unit_id = backby.unit.id;
    // Centrum: Tuesdays and Thursdays; Bäckby: Wednesdays and Fridays. Ordering closes 18 hours before.
    for (auto [unit, weekday, start, end] :
         {std::tuple{centrum.unit.id, 2, "10:00", "12:00"}, std::tuple{centrum.unit.id, 4, "14:00", "16:00"},
          std::tuple{backby.unit.id, 3, "09:00", "11:00"}, std::tuple{backby.unit.id, 5, "13:00", "15:00"}})
        Must(portal.AddSlot(admin, unit, weekday, start, end, 8, 18 * 60), "slot");
    struct Customer {
        const char *name, *street, *postal_code, *note, *method, *label;
        int64_t unit;
    };
    const Customer list[] = {
        {"Elsa Lindqvist", "Vasagatan 12", "722 15", "Laktosintolerant", "invoice", "", centrum.unit.id},
        {"Gunnar Ek", "Bäckbyvägen 41", "723 55", "Diabetiker – inget socker, ring på dörren två gånger",
         "card", "Visa •••• 4242", backby.unit.id},
        {"Maj-Britt Holm", "Kopparbergsvägen 8", "722 13", "", "invoice", "", centrum.unit.id},
        {"Olle Sjöberg", "Stora gatan 30", "722 12", "Svårt att tugga – mjuk mat", "invoice", "",
         centrum.unit.id},
    };
    for (const auto& c : list) {
        EndCustomerInput in;
        in.unit_id = c.unit;
        in.name = c.name;
        in.street = c.street;
        in.postal_code = c.postal_code;
        in.city = "Västerås";
        in.note = c.note;
        in.payment_method = c.method;
        in.payment_label = c.label;
        auto v = Must(portal.CreateEndCustomer(admin, in), "end customer");
        if (std::string(c.name) == "Elsa Lindqvist") d.elsa_id = v.customer.id;
        if (std::string(c.name) == "Gunnar Ek") d.gunnar_id = v.customer.id;
    }
    return d;
}

}  // namespace andel::app
