#pragma once
#include "app/auth/dev_bankid.hpp"
#include "http/router.hpp"

namespace andel::http {

// The demo's stand-in BankID (an OpenID provider) under /dev/bankid: discovery, keys, the identity picker and
// the token endpoint. Public routes; for `andel demo` only, never `andel serve`. `provider` must outlive the
// router, and its issuer must be <this server's base URL>/dev/bankid.
void AddDevBankIdRoutes(Router& router, app::auth::DevBankIdProvider& provider);

}  // namespace andel::http
