// The demo's stand-in BankID: thin routes over app::auth::DevBankIdProvider.
#include "http/api/dev_bankid_api.hpp"

#include "http/json_body.hpp"

namespace andel::http {
namespace {

Response ToResponse(app::auth::DevBankIdReply reply) {
    Response response;
    response.status = reply.status;
    response.content_type = std::move(reply.content_type);
    response.body = std::move(reply.body);
    response.headers = std::move(reply.headers);
    return response;
}

}  // namespace

void AddDevBankIdRoutes(Router& router, app::auth::DevBankIdProvider& provider) {
    router.Add("GET", "/dev/bankid/.well-known/openid-configuration", {},
               [&provider](Context&) { return JsonResponse(200, provider.Discovery()); });
    router.Add("GET", "/dev/bankid/jwks", {},
               [&provider](Context&) { return JsonResponse(200, provider.Jwks()); });
    router.Add("GET", "/dev/bankid/authorize", {},
               [&provider](Context& ctx) { return ToResponse(provider.AuthorizePage(ctx.request.query)); });
    router.Add("POST", "/dev/bankid/token", {}, [&provider](Context& ctx) {
        const auto type = ctx.request.Header("content-type");
        if (!type || !type->starts_with("application/x-www-form-urlencoded"))
            return JsonResponse(400, {{"error", "invalid_request"}});
        return ToResponse(provider.Token(ctx.request.body));
    });
}

}  // namespace andel::http
