#include "web/web.hpp"

#include "store/embedded_files.hpp"

namespace andel::web {

void AddStaticFiles(http::Router& router) {
    // src/web/static/*, compiled in; cached for a day (the names do not change within a release).
    struct Asset {
        const char* route;
        const char* file;
        const char* type;
    };
    static constexpr Asset kAssets[] = {
        {"/static/andel.css", "src/web/static/andel.css", "text/css; charset=utf-8"},
        {"/static/kiosk.js", "src/web/static/kiosk.js", "text/javascript; charset=utf-8"},
        {"/static/icon.svg", "src/web/static/icon.svg", "image/svg+xml"},
        {"/manifest.webmanifest", "src/web/static/manifest.webmanifest", "application/manifest+json"},
    };
    for (const auto& a : kAssets) {
        const auto& files = embedded::Files();
        auto it = files.find(a.file);
        if (it == files.end()) continue;
        std::string body(it->second);
        std::string type = a.type;
        router.Add("GET", a.route, {}, [body, type](http::Context&) {
            http::Response r = http::Response::Text(200, body, type);
            r.headers.emplace_back("Cache-Control", "public, max-age=86400");
            r.headers.emplace_back("X-Content-Type-Options", "nosniff");
            return r;
        });
    }
}

void AddWebRoutes(http::Router& router, http::Services& s) {
    AddStaticFiles(router);
    AddMyPages(router, s);
    AddMyAccountPages(router, s);
    AddMyRewardsPages(router, s);
    AddPriceCheckerPages(router, s);
    AddBackOfficePages(router, s);
    AddBackOfficeAdminPages(router, s);
    AddPasswordPages(router, s);
    AddPortalAdminPages(router, s);
    AddPortalPages(router, s);
}

}  // namespace andel::web
