#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/auth/auth_service.hpp"
#include "app/partners/partner_service.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "core/self_scan/audit.hpp"

namespace andel::app {

// [server] of andel.toml: the HTTP server's address and its limits (STYLE.md: a bound on everything).
struct ServerConfig {
    std::string address = "127.0.0.1";
    uint16_t port = 8080;
    int threads = 4;
    size_t max_header_bytes = 16 * 1024;
    size_t max_body_bytes = 1024 * 1024;
    int read_timeout_ms = 30'000;
    int idle_timeout_ms = 60'000;
    int write_timeout_ms = 30'000;
    size_t max_connections = 1024;
    std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For names the client
    // The tills' copy of till_cards in memory (app/membership/till_card_cache.hpp): how often it reads what
    // other nodes changed; 0: no copy, every look-up by card reads the database.
    int till_cache_poll_ms = 50;
};

// [notify] of andel.toml: how messages leave the outbox. An empty URL leaves that channel's messages in the
// outbox (the demo shows them at /dev/outbox and with `andel outbox`).
struct NotifyConfig {
    std::string smtp_url;                      // "" or smtp://host:port / smtps://host:port
    std::string smtp_from;                     // "Andel <no-reply@example.coop>"
    std::string smtp_username, smtp_password;  // secret; ANDEL_NOTIFY_SMTP_PASSWORD
    std::string sms_gateway_url;               // "" or http(s)://...
    std::string sms_body_template;             // mustache: {{to}} and {{text}}, JSON-escaped
    std::string sms_authorization;  // Authorization header value; secret; ANDEL_NOTIFY_SMS_AUTHORIZATION
    int dispatch_interval_ms = 1000;
};

// [oidc] of andel.toml: BankID through an OpenID Connect issuer (R_AUTH_4). An empty issuer turns it off.
struct OidcConfig {
    std::string issuer, client_id, client_secret, redirect_uri;  // client_secret: ANDEL_OIDC_CLIENT_SECRET
};

// The deployment's configuration: config/andel.toml, the enabled markets' config/markets/<code>.toml, and the
// ANDEL_* environment overrides.
struct Config {
    ServerConfig server;
    std::string database_url;     // "sqlite:<path>" or "postgresql://..."
    std::string national_id_key;  // HMAC key for personal identity numbers; secret
    std::string
        secret_key;  // seals what must be read back (codes in the outbox, TOTP seeds); keys codes; secret
    auth::AuthSettings auth;
    NotifyConfig notify;
    OidcConfig oidc;
    // [payments] (optional): the payment service provider behind Coopay (R_PAY_1). No provider_url: Coopay
    // is off, except in the demo, which brings its own provider on 127.0.0.1.
    struct Payments {
        std::string provider_url, provider_key;  // provider_key: ANDEL_PAYMENTS_PROVIDER_KEY
        int timeout_ms = 5'000;
    } payments;
    // [self_scan] (optional): how often finished self-scan sessions are audited (R_SCAN_3, R_SCAN_4).
    core::AuditPolicy self_scan;
    // [partners]: the categories members browse partners by (R_PART_2); optional, these by default.
    std::vector<PartnerCategory> partner_categories = DefaultPartnerCategories();
    std::string log_level;                             // trace, debug, info, warn, error, critical, off
    std::string log_format;                            // json, text
    std::map<std::string, core::MarketRules> markets;  // by code, e.g. "se"
    std::string config_dir;
};

// Looks up an environment variable; injected so that tests never touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (std::getenv), for main.
EnvLookup ProcessEnvironment();

// Loads <dir>/andel.toml and <dir>/markets/<code>.toml for each market it enables, then applies the
// environment overrides ANDEL_SERVER_ADDRESS, ANDEL_SERVER_PORT, ANDEL_SERVER_THREADS, ANDEL_DATABASE_URL,
// ANDEL_SECURITY_NATIONAL_ID_KEY and ANDEL_LOG_LEVEL. On failure the Error (kInvalid) lists every problem
// found, one per line, each naming the file (or variable), the key and the problem, e.g.
//   config/markets/se.toml: households.max_participants: must be between 0 and 100 (got -1)
// Missing files, TOML syntax errors (with line and column), missing keys, wrong types, unknown keys and
// invalid values are all refused.
core::Result<Config> LoadConfig(const std::string& dir, const EnvLookup& getenv);

// Checks the values of one market's rules, as read or as built in code: ranges, formats, and the rules'
// consistency (e.g. R_HH_2 participant age <= owner age, R_BON_7 dividend_own_bp >= dividend_min_bp,
// R_BON_3 ladder bands strictly increasing). Each problem names `file` and the TOML key. Time zones must be
// files under `zoneinfo_dir`.
std::vector<std::string> ValidateMarketRules(const core::MarketRules& rules, const std::string& file,
                                             const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

// The TOML name of a reward kind: "bonus_money", "bonus_and_dividend", "points".
const char* RewardKindName(core::RewardKind kind);

}  // namespace andel::app
