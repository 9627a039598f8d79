// andel: the command-line entry point (DESIGN.md "Running"): serve, demo, migrate, config check, keys,
// generate, jobs run expiry, jobs run dividend. Each verb catches what escapes it once, prints it, and exits
// non-zero.
#include <pthread.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "app/access/api_key_service.hpp"
#include "app/auth/auth_service.hpp"
#include "app/auth/bankid_login.hpp"
#include "app/auth/dev_bankid.hpp"
#include "app/auth/relogin_service.hpp"
#include "app/catalogue/catalogue_service.hpp"
#include "app/config.hpp"
#include "app/demo/demo_portal.hpp"
#include "app/demo/generator.hpp"
#include "app/json_log.hpp"
#include "app/ledger/dividend_job.hpp"
#include "app/ledger/expiry_job.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/lifecycle/inactivity_job.hpp"
#include "app/membership/membership_service.hpp"
#include "app/membership/terms.hpp"
#include "app/membership/till_card_cache.hpp"
#include "app/offers/personalise_service.hpp"
#include "app/partners/partner_csv.hpp"
#include "app/partners/partner_service.hpp"
#include "app/privacy/erasure_job.hpp"
#include "cli/bench_jobs.hpp"
#include "cli/bench_load.hpp"
#include "cli/bench_recommend.hpp"
#include "cli/bench_search.hpp"
#include "cli/offers_cli.hpp"
#include "http/api/api.hpp"
#include "http/api/dev_bankid_api.hpp"
#include "http/dev_psp.hpp"
#include "http/server.hpp"
#include "notify/dispatcher.hpp"
#include "notify/outbox.hpp"
#include "notify/sms_gateway.hpp"
#include "notify/smtp.hpp"
#include "store/database.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "store/migrator.hpp"
#include "store/partners/partner_repository.hpp"
#include "web/web.hpp"

namespace {

using namespace andel;

struct Common {
    std::string config_dir = "config";
    std::string database;
    int port = -1;
    std::string address;
};

app::Config LoadOrExit(const Common& common) {
    auto env = app::ProcessEnvironment();
    auto cfg = app::LoadConfig(common.config_dir, env);
    if (!cfg) {
        std::cerr << "andel: configuration refused:\n" << cfg.error().detail << "\n";
        std::exit(2);
    }
    if (!common.database.empty()) cfg->database_url = common.database;
    if (common.port >= 0) cfg->server.port = static_cast<uint16_t>(common.port);
    if (!common.address.empty()) cfg->server.address = common.address;
    return std::move(*cfg);
}

void SetUpLogging(const app::Config& cfg) {
    auto logger = spdlog::stderr_logger_mt("andel");
    if (cfg.log_format == "json") logger->set_formatter(app::JsonLogFormatter());
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
}

std::unique_ptr<store::Database> OpenAndMigrate(const app::Config& cfg, const core::Clock& clock) {
    auto db = store::Open(cfg.database_url);
    auto applied = store::Migrate(*db, core::ToMillis(clock.Now()));
    for (int v : applied) spdlog::info(R"({{"msg":"migration applied","version":{}}})", v);
    return db;
}

// The channels the configuration turns on; a channel without settings leaves its messages in the outbox.
notify::Channels ConfiguredChannels(const app::NotifyConfig& n) {
    notify::Channels channels;
    if (!n.smtp_url.empty()) {
        notify::SmtpSettings smtp;
        smtp.url = n.smtp_url;
        smtp.from = n.smtp_from;
        smtp.username = n.smtp_username;
        smtp.password = n.smtp_password;
        channels.email = [smtp](const std::string& to, const std::string& subject, const std::string& body) {
            return notify::SendEmail(smtp, to, subject, body);
        };
    }
    if (!n.sms_gateway_url.empty()) {
        notify::SmsGatewaySettings sms;
        sms.url = n.sms_gateway_url;
        sms.body_template = n.sms_body_template;
        sms.authorization = n.sms_authorization;
        channels.sms = [sms](const std::string& to, const std::string&, const std::string& body) {
            return notify::SendSms(sms, to, body);
        };
    }
    return channels;
}

// Runs `task` every interval on a thread of its own until destroyed (the outbox dispatcher, the re-login
// campaigns). A task that throws is logged and tried again at the next interval.
class PeriodicTask {
  public:
    PeriodicTask(std::string name, std::chrono::milliseconds every, std::function<void()> task)
        : thread_([this, name = std::move(name), every, task = std::move(task)] {
              std::unique_lock lock(mu_);
              while (!stop_) {
                  lock.unlock();
                  try {
                      task();
                  } catch (const std::exception& e) {
                      spdlog::error(R"({{"msg":"periodic task failed","task":"{}","error":"{}"}})", name,
                                    e.what());
                  }
                  lock.lock();
                  cv_.wait_for(lock, every, [this] { return stop_; });
              }
          }) {}
    ~PeriodicTask() {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

int Serve(const app::Config& cfg, store::Database& db, const core::Clock& clock, const std::string& banner,
          bool demo) {
    // SIGTERM and SIGINT are blocked in every thread (before any is started) and taken by one waiting thread,
    // which stops the server gracefully: in-flight requests finish, then the process exits 0.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    app::MembershipService membership(db, clock, cfg.markets, cfg.national_id_key);
    // Tills' look-ups by card from memory; the database answers until the copy is read (a few seconds at
    // 4 000 000 cards).
    std::optional<app::TillCardCache> till_cache;
    if (cfg.server.till_cache_poll_ms > 0) {
        till_cache.emplace(
            db, app::TillCardCache::Options{std::chrono::milliseconds(cfg.server.till_cache_poll_ms)});
        till_cache->Start();
        membership.UseTillCache(&*till_cache);
    }
    app::ApiKeyService keys(db, clock);
    app::ReceiptService receipts(db, clock, cfg.markets);
    app::RewardsService rewards(db, clock, cfg.markets);
    app::PointsShopService points_shop(db, clock, cfg.markets);
    notify::Sealer sealer(cfg.secret_key);
    app::auth::AuthService auth(db, clock, sealer, cfg.auth, cfg.secret_key);
    if (demo) {
        app::SeedDemoLogins(db, auth, cfg.markets, cfg.national_id_key, clock);
        app::SeedDemoHouseholdLogins(db, auth, cfg.markets, cfg.national_id_key, clock);
    }
    app::MarketingChoicesService marketing(db, clock);
    notify::Dispatcher dispatcher(db, clock, sealer, ConfiguredChannels(cfg.notify), marketing.Gate());
    PeriodicTask dispatch_loop(
        "outbox", std::chrono::milliseconds(cfg.notify.dispatch_interval_ms), [&dispatcher] {
            auto report = dispatcher.RunOnce(100);
            if (report.claimed > 0)
                spdlog::info(R"({{"msg":"outbox","sent":{},"retried":{},"failed":{}}})", report.sent,
                             report.retried, report.failed);
        });
    // R_BON_4: the expiry job expires only months that have ended, so running it every hour is safe and
    // never late by more than an hour; one node at a time (its lease). The dividend run stays an operator's
    // decision (`andel jobs run dividend`).
    app::ExpiryJob expiry(db, clock, cfg.markets);
    PeriodicTask expiry_loop("expiry", std::chrono::hours(1), [&expiry] {
        auto report = expiry.Run(false);
        if (report && report->lots > 0)
            spdlog::info(R"({{"msg":"expiry","households":{},"lots":{},"points":{}}})", report->households,
                         report->lots, report->points);
    });
    // R_LIFE_3: notices and automatic endings; idempotent, so hourly is safe; one node at a time.
    app::InactivityJob inactivity(db, clock, cfg.markets, sealer);
    PeriodicTask inactivity_loop("inactivity", std::chrono::hours(1), [&inactivity] {
        auto report = inactivity.Run(false);
        if (report && (report->notified || report->ended || report->cancelled))
            spdlog::info(R"({{"msg":"inactivity","notified":{},"cancelled":{},"ended":{}}})",
                         report->notified, report->cancelled, report->ended);
    });
    // R_PRIV_3: erasure 12 months after an ending; idempotent, so hourly is safe; one node at a time.
    app::ErasureJob erasure(db, clock, cfg.markets);
    PeriodicTask erasure_loop("erasure", std::chrono::hours(1), [&erasure] {
        auto report = erasure.Run(false);
        if (report && (report->erased > 0 || report->messages_emptied > 0))
            spdlog::info(R"({{"msg":"erasure","erased":{},"messages_emptied":{}}})", report->erased,
                         report->messages_emptied);
    });
    // R_MEM_9: a major change of the terms is told to every member, in batches, soon after it is published.
    app::TermsService terms(db, clock, cfg.markets, sealer);
    PeriodicTask terms_loop("terms-notice", std::chrono::minutes(1), [&terms] {
        auto report = terms.RunNotices(false);
        if (report && report->told > 0) spdlog::info(R"({{"msg":"terms-notice","told":{}}})", report->told);
    });
    app::auth::ReloginService relogin(db, clock, sealer);
    PeriodicTask relogin_loop("relogin", std::chrono::minutes(1), [&relogin] {
        auto report = relogin.Run();  // another node holding the lease is not an error
        if (report && (report->assigned || report->notified || report->reminded || report->logged_out))
            spdlog::info(R"({{"msg":"relogin","assigned":{},"notified":{},"reminded":{},"logged_out":{}}})",
                         report->assigned, report->notified, report->reminded, report->logged_out);
    });
    http::Services services{db,      clock,       cfg.markets, membership, keys, receipts,
                            rewards, points_shop, auth,        sealer,     demo};
    // BankID (R_AUTH_4): the configured OpenID issuer; the demo, without one, brings its own stand-in at
    // /dev/bankid so a new user can try the whole flow.
    std::optional<app::auth::DevBankIdProvider> dev_bankid;
    app::auth::OidcSettings oidc{cfg.oidc.issuer, cfg.oidc.client_id, cfg.oidc.client_secret,
                                 cfg.oidc.redirect_uri};
    if (demo && oidc.issuer.empty()) {
        std::string base = "http://127.0.0.1:";
        base += std::to_string(cfg.server.port);
        oidc = {base + "/dev/bankid", "andel-demo", "andel-demo-bankid-secret",
                base + "/api/v1/auth/bankid/callback"};
        dev_bankid.emplace(oidc.issuer, oidc.client_id, oidc.client_secret, clock, oidc.redirect_uri);
    }
    std::optional<app::auth::BankIdLogin> bankid;
    if (!oidc.issuer.empty()) {
        bankid.emplace(db, clock, auth, oidc, cfg.secret_key, cfg.national_id_key);
        services.bankid = &*bankid;
    }
    services.relogin = &relogin;
    services.marketing = &marketing;
    app::PartnerService partners(db, clock, cfg.markets, cfg.partner_categories);
    services.partners = &partners;
    app::CatalogueService catalogue(db, clock, cfg.markets);
    services.catalogue = &catalogue;
    app::OfferService offers(db, clock, cfg.markets, sealer);
    services.offers = &offers;
    receipts.SetOffers(&offers);
    app::SelfScanService self_scan(db, clock, cfg.markets, offers, receipts, cfg.self_scan);
    services.self_scan = &self_scan;
    app::PortalService portal(db, clock, cfg.markets, sealer, auth, catalogue, offers, receipts);
    services.portal = &portal;
    if (demo && cfg.markets.count("se")) app::SeedDemoPortal(db, auth, portal, clock);
    // R_PART_3: bonus a partner held back becomes available on its day; hourly, one node at a time.
    PeriodicTask release_loop("partner-release", std::chrono::hours(1), [&partners] {
        auto report = partners.ReleaseDue();
        if (report && report->sales > 0)
            spdlog::info(R"({{"msg":"partner release","sales":{},"released":{}}})", report->sales,
                         report->released);
    });
    // R_OFF_3, R_PRIV_2: the week's personal offers; idempotent within a week, so running it every 6 hours
    // costs only the reading (about 2 minutes of one core at 1 000 000 members, docs/benchmarks.md) and acts
    // on a withdrawn consent within 6 hours; one node at a time (its lease).
    app::PersonaliseService personalise(db, clock, cfg.markets);
    PeriodicTask personalise_loop("personalise", std::chrono::hours(6), [&personalise] {
        auto report = personalise.Run();  // another node holding the lease is not an error
        if (report && (report->selected || report->withdrawn || report->revoked))
            spdlog::info(
                R"({{"msg":"personalise","week":"{}","members":{},"selected":{},"withdrawn":{},"revoked":{},"seconds":{:.1f}}})",
                report->week, report->members, report->selected, report->withdrawn, report->revoked,
                report->seconds);
    });
    // Coopay (R_PAY_1): the configured payment provider; the demo, without one, runs Andel's own small
    // provider on 127.0.0.1 (never for real money).
    std::optional<http::DevPaymentProvider> dev_psp;
    std::string psp_url = cfg.payments.provider_url, psp_key = cfg.payments.provider_key;
    if (demo && psp_url.empty()) {
        psp_key = "andel-demo-psp-key";
        dev_psp.emplace(psp_key);
        dev_psp->Start();
        psp_url = dev_psp->base_url();
    }
    std::optional<app::HttpPaymentProvider> psp;
    std::optional<app::CoopayService> coopay;
    std::optional<PeriodicTask> coopay_loop;
    if (!psp_url.empty()) {
        psp.emplace(psp_url, psp_key, cfg.payments.timeout_ms);
        coopay.emplace(db, clock, cfg.markets, *psp, sealer, cfg.secret_key);
        services.coopay = &*coopay;
        // Captures whose receipt came without one, and voids what was never paid for; every minute.
        coopay_loop.emplace("coopay-reconcile", std::chrono::minutes(1), [&coopay] {
            auto report = coopay->Reconcile();
            if (report && (report->captured || report->voided))
                spdlog::info(R"({{"msg":"coopay reconcile","captured":{},"voided":{}}})", report->captured,
                             report->voided);
        });
    }
    http::Router router(http::ApiKeyAuthenticator(keys, auth));
    http::AddAllRoutes(router, services);
    web::AddWebRoutes(router, services);
    if (dev_bankid) http::AddDevBankIdRoutes(router, *dev_bankid);
    http::ServerOptions options;
    options.address = cfg.server.address;
    options.port = cfg.server.port;
    options.threads = cfg.server.threads;
    options.max_header_bytes = cfg.server.max_header_bytes;
    options.max_body_bytes = cfg.server.max_body_bytes;
    options.read_timeout = std::chrono::milliseconds(cfg.server.read_timeout_ms);
    options.idle_timeout = std::chrono::milliseconds(cfg.server.idle_timeout_ms);
    options.write_timeout = std::chrono::milliseconds(cfg.server.write_timeout_ms);
    options.max_connections = cfg.server.max_connections;
    options.trusted_proxies = cfg.server.trusted_proxies;
    http::Server server(options, router);
    server.Start();
    std::thread stopper([&server, signals] {
        int sig = 0;
        sigwait(&signals, &sig);
        spdlog::info(R"({{"msg":"stopping","signal":{}}})", sig);
        server.Stop();
    });
    std::printf("%s", banner.c_str());
    if (dev_psp)
        std::printf(
            "Coopay: the demo's payment provider is %s (key %s): POST /v1/tokens {\"card_number\": "
            "\"4242424242424242\"} gives a token to add with POST /api/v1/me/payment-methods\n",
            dev_psp->base_url().c_str(), psp_key.c_str());
    std::printf("andel: serving on http://%s:%u (database: %s)\n", options.address.c_str(), server.port(),
                std::string(store::EngineName(db.engine())).c_str());
    std::fflush(stdout);
    server.Wait();
    pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the stopper if the server stopped otherwise
    stopper.join();
    spdlog::info(R"({"msg":"stopped"})");
    return 0;
}

void AddCommon(CLI::App* cmd, Common& c) {
    cmd->add_option("--config", c.config_dir, "configuration directory (andel.toml, markets/)")
        ->capture_default_str();
    cmd->add_option("--database", c.database,
                    "database URL: sqlite:PATH or postgresql://... (overrides the config)");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Andel: the membership, bonus and ordering platform of a consumer cooperative"};
    cli.require_subcommand(1);
    Common common;
    core::SystemClock clock;

    auto* serve = cli.add_subcommand("serve", "Serve the API and pages");
    AddCommon(serve, common);
    serve->add_option("--port", common.port, "port (overrides the config)");
    serve->add_option("--address", common.address, "address to listen on (overrides the config)");

    auto* demo =
        cli.add_subcommand("demo", "Create the demo dataset in ./data/andel.db (SQLite) and serve it");
    AddCommon(demo, common);
    demo->add_option("--port", common.port, "port (default 8080)");
    bool reset = false;
    demo->add_flag("--reset", reset, "delete the demo database first");

    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations");
    AddCommon(migrate, common);

    auto* config = cli.add_subcommand("config", "Configuration");
    config->require_subcommand(1);
    auto* check = config->add_subcommand("check", "Validate andel.toml and the market files");
    AddCommon(check, common);

    auto* checks = cli.add_subcommand("check", "Consistency checks");
    checks->require_subcommand(1);
    auto* check_ledger = checks->add_subcommand(
        "ledger", "Prove that every entry sums to zero and every cached balance equals its postings");
    AddCommon(check_ledger, common);

    auto* keys = cli.add_subcommand("keys", "API keys for the back office and tills");
    keys->require_subcommand(1);
    auto* keys_create = keys->add_subcommand("create", "Create a key; prints the token once");
    AddCommon(keys_create, common);
    std::string key_role, key_name, key_store, key_partner;
    keys_create->add_option("--role", key_role, "backoffice, till, price_checker or partner")->required();
    keys_create->add_option("--name", key_name, "what the key is for")->required();
    keys_create->add_option("--store", key_store, "store code (till keys)");
    keys_create->add_option("--partner", key_partner, "partner code (partner keys)");
    auto* keys_list = keys->add_subcommand("list", "List keys (never their secrets)");
    AddCommon(keys_list, common);
    auto* keys_revoke = keys->add_subcommand("revoke", "Revoke a key");
    AddCommon(keys_revoke, common);
    std::string revoke_id;
    keys_revoke->add_option("key_id", revoke_id, "the key's id")->required();

    auto* generate = cli.add_subcommand("generate", "Generate members in households, for benchmarks");
    AddCommon(generate, common);
    int64_t members = 1000;
    uint64_t seed = 42;
    generate->add_option("--members", members, "how many members")
        ->check(CLI::Range(int64_t{1}, int64_t{9'000'000}));
    generate->add_option("--seed", seed, "random seed");

    auto* jobs = cli.add_subcommand("jobs", "Scheduled jobs");
    jobs->require_subcommand(1);
    auto* jobs_run = jobs->add_subcommand("run", "Run a job now");
    jobs_run->require_subcommand(1);
    auto* job_expiry = jobs_run->add_subcommand(
        "expiry", "Expire the points lots whose expiry month has ended (R_BON_4); safe to run again");
    AddCommon(job_expiry, common);
    bool dry_run = false;
    job_expiry->add_flag("--dry-run", dry_run, "report what would expire; post nothing");
    auto* job_dividend = jobs_run->add_subcommand("dividend",
                                                  "Pay the NO purchase dividend of an ended year into the "
                                                  "households' bonus (R_BON_7); safe to run again");
    AddCommon(job_dividend, common);
    int dividend_year = 0;
    job_dividend->add_option("--year", dividend_year, "the calendar year to pay")->required();
    job_dividend->add_flag("--dry-run", dry_run, "report what would be paid; write nothing");

    auto* job_relogin = jobs_run->add_subcommand(
        "relogin",
        "Run the re-login campaigns' step now: participants, messages, reminders, logouts (R_AUTH_5)");
    AddCommon(job_relogin, common);
    auto* relogin_cmd = cli.add_subcommand("relogin", "Staged re-login campaigns (R_AUTH_5)");
    relogin_cmd->require_subcommand(1);
    auto* relogin_status = relogin_cmd->add_subcommand("status", "Progress of every campaign, per wave");
    AddCommon(relogin_status, common);

    // The partner programme (R_PART_*): partners and agreements, files of sales, reports.
    auto* partners_cmd = cli.add_subcommand("partners", "Partners and their agreements (R_PART_1)");
    partners_cmd->require_subcommand(1);
    auto* partners_list = partners_cmd->add_subcommand("list", "Every partner with its agreements");
    AddCommon(partners_list, common);
    std::string partner_market;
    partners_list->add_option("--market", partner_market, "only this market (dk, no, se)");
    auto* partners_add = partners_cmd->add_subcommand("add", "Add a partner");
    AddCommon(partners_add, common);
    app::PartnerInput partner_in;
    std::string how_to_buy = "online";
    partners_add->add_option("--code", partner_in.code, "e.g. dk-synoptik")->required();
    partners_add->add_option("--market", partner_in.market, "dk, no or se")->required();
    partners_add->add_option("--name", partner_in.name, "the name members see")->required();
    partners_add->add_option("--category", partner_in.category, "one of [partners] categories")->required();
    partners_add->add_option("--description", partner_in.description, "what members read");
    partners_add->add_option("--how", how_to_buy, "online, in_shop or both")
        ->check(CLI::IsMember({"online", "in_shop", "both"}));
    partners_add->add_option("--from", partner_in.active_from, "first active day, YYYY-MM-DD")->required();
    partners_add->add_option("--holding-days", partner_in.holding_days,
                             "bonus pending this many days (0-730)");
    auto* partners_agreement =
        partners_cmd->add_subcommand("agreement", "A bonus rate for a category from a date (R_PART_1)");
    AddCommon(partners_agreement, common);
    std::string agreement_partner;
    core::PartnerAgreement agreement_in;
    partners_agreement->add_option("--partner", agreement_partner, "partner code")->required();
    partners_agreement->add_option("--category", agreement_in.category, "the partner's product category")
        ->required();
    partners_agreement->add_option("--label", agreement_in.label, "what members read")->required();
    partners_agreement->add_option("--rate-bp", agreement_in.rate_bp, "basis points: 5 % = 500")->required();
    partners_agreement->add_option("--from", agreement_in.valid_from, "first day, YYYY-MM-DD")->required();

    auto* partners_settle =
        partners_cmd->add_subcommand("settle", "Record a partner's payment for what it owes (R_PART_4)");
    AddCommon(partners_settle, common);
    std::string settle_partner, settle_id, settle_date;
    int64_t settle_amount = 0;
    partners_settle->add_option("--partner", settle_partner, "partner code")->required();
    partners_settle->add_option("--id", settle_id, "the payment's reference (once per partner)")->required();
    partners_settle->add_option("--amount-minor", settle_amount, "minor units (øre)")->required();
    partners_settle->add_option("--date", settle_date, "the day it was paid, YYYY-MM-DD")->required();

    auto* offers_cmd =
        cli.add_subcommand("offers", "Offers, coupons and member campaigns (issue 6, R_OFF_1)");
    offers_cmd->require_subcommand(1);
    cli::OffersCommand offers_in;
    auto* offers_list = offers_cmd->add_subcommand("list", "Every offer with its state");
    offers_list->add_option("--market", offers_in.market, "only this market (dk, no, se)");
    auto* offers_create = offers_cmd->add_subcommand(
        "create",
        "Create the offers of a JSON file (one offer or an array; the body of POST /api/v1/offers)");
    offers_create->add_option("file", offers_in.file, "JSON file")->required();
    auto* offers_update = offers_cmd->add_subcommand("update",
                                                     "Change an offer from a JSON file (all but code "
                                                     "and market)");
    offers_update->add_option("code", offers_in.code, "offer code")->required();
    offers_update->add_option("file", offers_in.file, "JSON file")->required();
    auto* offers_pause = offers_cmd->add_subcommand("pause", "Pause an offer: no till applies it");
    offers_pause->add_option("code", offers_in.code, "offer code")->required();
    auto* offers_resume = offers_cmd->add_subcommand("resume", "Resume a paused offer");
    offers_resume->add_option("code", offers_in.code, "offer code")->required();
    auto* offers_report = offers_cmd->add_subcommand(
        "report", "Assigned, activated, redeemed, discount and bonus given of an offer");
    offers_report->add_option("code", offers_in.code, "offer code")->required();
    auto* offers_assign = offers_cmd->add_subcommand("assign", "Give a personal offer to members");
    offers_assign->add_option("code", offers_in.code, "offer code")->required();
    offers_assign->add_option("--members", offers_in.members, "member numbers")->required()->delimiter(',');
    for (auto* sub : {offers_list, offers_create, offers_update, offers_pause, offers_resume, offers_report,
                      offers_assign})
        AddCommon(sub, common);

    auto* import_cmd = cli.add_subcommand("import", "Import files");
    import_cmd->require_subcommand(1);
    auto* import_sales = import_cmd->add_subcommand(
        "partner-sales", "Book a partner's CSV file of sales; writes a result line per row (R_PART_3)");
    AddCommon(import_sales, common);
    std::string import_file, import_partner, import_out;
    import_sales->add_option("file", import_file, "the CSV file (docs/integrating-partners.md)")->required();
    import_sales->add_option("--partner", import_partner, "partner code")->required();
    import_sales->add_option("--out", import_out, "result file (default: FILE.result.csv)");
    auto* import_catalogue = import_cmd->add_subcommand(
        "catalogue", "Load products and categories from a CSV or JSON file (docs/catalogue.md)");
    AddCommon(import_catalogue, common);
    app::CatalogueImportOptions catalogue_options;
    std::string catalogue_file;
    import_catalogue->add_option("file", catalogue_file, "the .csv or .json file")->required();
    import_catalogue->add_option("--market", catalogue_options.market, "dk, no or se")->required();
    import_catalogue->add_option("--format", catalogue_options.format, "csv or json (default: by extension)")
        ->check(CLI::IsMember({"csv", "json"}));
    import_catalogue->add_flag("--full", catalogue_options.full,
                               "the file is the whole catalogue: products not in it become inactive");
    import_catalogue->add_flag("--dry-run", catalogue_options.dry_run, "check and count, change nothing");

    auto* reports_cmd = cli.add_subcommand("reports", "Reports");
    reports_cmd->require_subcommand(1);
    auto* report_partners = reports_cmd->add_subcommand(
        "partners", "Partner bonus per partner, category or home store, and what partners owe (R_PART_4)");
    AddCommon(report_partners, common);
    std::string report_from, report_to, report_group = "partner", report_format = "csv";
    report_partners->add_option("--from", report_from, "first day, YYYY-MM-DD")->required();
    report_partners->add_option("--to", report_to, "last day, YYYY-MM-DD")->required();
    report_partners->add_option("--group-by", report_group, "partner, category or home_store");
    report_partners->add_option("--market", partner_market, "only this market");
    report_partners->add_option("--format", report_format, "csv or json")
        ->check(CLI::IsMember({"csv", "json"}));

    auto* job_inactivity = jobs_run->add_subcommand("inactivity",
                                                    "Tell and then end households that are inactive or have "
                                                    "no cooperative member (R_LIFE_3); safe to run "
                                                    "again");
    AddCommon(job_inactivity, common);
    job_inactivity->add_flag("--dry-run", dry_run, "report what would be told and ended; write nothing");

    auto* job_erasure = jobs_run->add_subcommand("erasure",
                                                 "Delete or anonymise the personal data of memberships ended "
                                                 "12 months ago (R_PRIV_3); safe to run again");
    AddCommon(job_erasure, common);
    job_erasure->add_flag("--dry-run", dry_run, "count the memberships due; write nothing");

    auto* job_terms = jobs_run->add_subcommand(
        "terms-notice", "Tell every member of a major change of the terms (R_MEM_9); safe to run again");
    AddCommon(job_terms, common);
    job_terms->add_flag("--dry-run", dry_run, "count the members who would be told; write nothing");

    auto* job_release = jobs_run->add_subcommand(
        "partner-release", "Make held-back partner bonus available on its day (R_PART_3); safe to run again");
    AddCommon(job_release, common);
    auto* job_personalise = jobs_run->add_subcommand("personalise",
                                                     "Choose this week's personal offers of the members who "
                                                     "consented (R_OFF_3, R_PRIV_2); safe to run again");
    AddCommon(job_personalise, common);
    auto* bench_cmd = cli.add_subcommand("bench", "Benchmarks that print figures (docs/benchmarks.md)");
    bench_cmd->require_subcommand(1);
    auto* bench_recommend = bench_cmd->add_subcommand(
        "recommend",
        "The personal offers' recommender vs popularity (hit rate@10) and the time to personalise");
    bench_recommend->add_option("--config", common.config_dir, "configuration directory")
        ->capture_default_str();
    bench_recommend->add_option(
        "--database", common.database,
        "an EMPTY database to fill with generated data (default: a new SQLite file in /tmp)");
    cli::BenchRecommendOptions bench_recommend_options;
    bench_recommend->add_option("--seed", bench_recommend_options.seed, "random seed");
    bench_recommend
        ->add_option("--members", bench_recommend_options.scale_members, "members scored in memory")
        ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
    bench_recommend
        ->add_option("--eval-members", bench_recommend_options.eval_members,
                     "members of the hidden-week evaluation")
        ->check(CLI::Range(int64_t{1}, int64_t{2'000'000}));
    bench_recommend
        ->add_option("--db-members", bench_recommend_options.db_members,
                     "members the job runs over on a database")
        ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
    auto* bench_search = bench_cmd->add_subcommand(
        "search", "The ordering portal's shop search over generated products (issue 7 §6): latency");
    bench_search->add_option("--config", common.config_dir, "configuration directory")->capture_default_str();
    bench_search->add_option("--database", common.database,
                             "default: a new SQLite file in /tmp; a postgresql:// URL: a new schema in it");
    cli::BenchSearchOptions bench_search_options;
    bench_search->add_option("--products", bench_search_options.products, "products generated")
        ->check(CLI::Range(int64_t{1}, int64_t{2'000'000}));
    bench_search->add_option("--queries", bench_search_options.queries, "searches timed")
        ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
    bench_search->add_option("--seed", bench_search_options.seed, "random seed");
    bench_search->add_option("--market", bench_search_options.market, "market")->capture_default_str();
    bench_search->add_flag("--keep", bench_search_options.keep,
                           "keep the database file or schema (for EXPLAIN)");
    auto* bench_jobs = bench_cmd->add_subcommand(
        "jobs", "The points expiry and the dividend run over generated households (issue 3 §8): seconds");
    bench_jobs->add_option("--config", common.config_dir, "configuration directory")->capture_default_str();
    bench_jobs->add_option("--database", common.database,
                           "default: a new SQLite file in /tmp; a postgresql:// URL: a new schema in it");
    cli::BenchJobsOptions bench_jobs_options;
    bench_jobs
        ->add_option("--households", bench_jobs_options.households, "households in se, and as many in no")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{1}, int64_t{20'000'000}));
    bench_jobs->add_flag("--keep", bench_jobs_options.keep, "keep the database file or schema (for EXPLAIN)");

    auto* bench_load = bench_cmd->add_subcommand(
        "load", "A till, partner, app and portal mix against several nodes (issue 11): throughput, latency");
    bench_load->add_option("--config", common.config_dir, "configuration directory")->capture_default_str();
    cli::BenchLoadOptions bench_load_options;
    bench_load->add_option("--database", bench_load_options.database, "--prepare: the nodes' database URL");
    bench_load->add_flag(
        "--prepare", bench_load_options.prepare,
        "seed the demo dataset, keys, sessions, logins and a portal race into --database; write --plan");
    bench_load->add_option("--members", bench_load_options.members, "--prepare: members generated")
        ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
    bench_load->add_option("--plan", bench_load_options.plan, "the plan file")->capture_default_str();
    bench_load
        ->add_option("--nodes", bench_load_options.nodes, "http://ADDRESS:PORT,... (none: prepare only)")
        ->delimiter(',');
    bench_load->add_option("--seed", bench_load_options.seed, "random seed");
    bench_load->add_option("--requests", bench_load_options.requests, "requests at most")
        ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}))
        ->capture_default_str();
    bench_load->add_option("--duration", bench_load_options.duration_s, "seconds at most")
        ->check(CLI::Range(0.1, 86'400.0))
        ->capture_default_str();
    bench_load->add_option("--concurrency", bench_load_options.concurrency, "connections to each node")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    bench_load->add_option("--timeout-ms", bench_load_options.timeout_ms, "per request")
        ->check(CLI::Range(int64_t{1}, int64_t{600'000}))
        ->capture_default_str();
    bench_load->add_option("--acknowledged", bench_load_options.acknowledged,
                           "write the receipt, partner sale and portal order ids answered 200/201 here");
    bench_load->add_option("--run-id", bench_load_options.run_id, "prefix of receipt, sale and checkout ids");

    auto* outbox =
        cli.add_subcommand("outbox", "Show the newest messages of the outbox (subject and body opened)");
    AddCommon(outbox, common);
    int outbox_limit = 20;
    std::string outbox_to;
    outbox->add_option("--limit", outbox_limit, "how many")->check(CLI::Range(1, 500));
    outbox->add_option("--to", outbox_to, "only messages to this e-mail address or phone number");

    CLI11_PARSE(cli, argc, argv);

    try {
        if (check->parsed()) {
            auto cfg = app::LoadConfig(common.config_dir, app::ProcessEnvironment());
            if (!cfg) {
                std::cerr << cfg.error().detail << "\n";
                return 1;
            }
            std::cout << "configuration OK: " << common.config_dir << " (markets:";
            for (const auto& [code, m] : cfg->markets) std::cout << " " << code;
            std::cout << ")\n";
            return 0;
        }
        if (demo->parsed()) {
            if (common.database.empty()) common.database = "sqlite:data/andel.db";
            if (reset && common.database.starts_with("sqlite:")) {
                std::string path = common.database.substr(7);
                for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
            }
        }
        if (bench_recommend->parsed()) {  // on a database of its own, never the configured one
            bench_recommend_options.database = common.database;
            return cli::BenchRecommend(LoadOrExit(Common{common.config_dir, "", -1, ""}),
                                       bench_recommend_options);
        }
        if (bench_search->parsed()) {  // likewise
            bench_search_options.database = common.database;
            return cli::BenchSearch(LoadOrExit(Common{common.config_dir, "", -1, ""}), bench_search_options);
        }
        if (bench_jobs->parsed()) {  // likewise
            bench_jobs_options.database = common.database;
            return cli::BenchJobs(LoadOrExit(Common{common.config_dir, "", -1, ""}), bench_jobs_options);
        }
        if (bench_load->parsed())  // against running nodes; --prepare opens its --database itself
            return cli::BenchLoad(LoadOrExit(Common{common.config_dir, "", -1, ""}), bench_load_options);
        app::Config cfg = LoadOrExit(common);
        SetUpLogging(cfg);
        auto db = OpenAndMigrate(cfg, clock);

        if (serve->parsed()) return Serve(cfg, *db, clock, "", false);
        if (migrate->parsed()) {
            std::cout << "database is at the latest migration\n";
            return 0;
        }
        if (demo->parsed()) {
            app::SeedDemo(*db, cfg.markets, cfg.national_id_key, clock);
            app::SeedDemoCatalogue(*db, cfg.markets, clock);
            app::SeedDemoOffers(*db, cfg.markets, clock);
            std::string card = "<card number>";
            {
                auto c = db->Read();
                store::MembershipRepository repo(*c);
                if (auto demo_member = repo.FindMemberByNumber(app::kDemoMemberNumber))
                    for (const auto& k : repo.ListCards(demo_member->id))
                        if (k.status == "active") card = k.card_number;
            }
            std::string url = "http://" + cfg.server.address + ":" + std::to_string(cfg.server.port);
            std::string banner =
                "Andel demo: " + cfg.database_url + "\n" + "  My pages: " + url + "/ (in a browser)\n" +
                "  the price checker: " + url + "/price-checker, key " + app::kDemoKioskToken + ", card " +
                card + "\n" + "  the ordering portal: " + url + "/portal, " + app::kDemoPortalOrdererEmail +
                " / " + app::kDemoPortalPassword + " (the code shows at " + url + "/dev/outbox)\n" +
                "  demo member 33216744, password 123456 (no second step, R_MEM_10)\n" +
                "  anna@example.org / andel-demo: the SMS code shows at " + url + "/dev/outbox\n" +
                "  try:\n" + "    curl -H 'Authorization: Bearer " + app::kDemoBackOfficeToken + "' " + url +
                "/api/v1/members/33216744\n" + "    curl -H 'Authorization: Bearer " + app::kDemoTillToken +
                "' " + url + "/api/v1/till/cards/" + card + "\n" + "    " + url + "/openapi.json\n";
            return Serve(cfg, *db, clock, banner, true);
        }
        if (job_relogin->parsed() || relogin_status->parsed()) {
            notify::Sealer sealer(cfg.secret_key);
            app::auth::ReloginService relogin(*db, clock, sealer);
            if (job_relogin->parsed()) {
                auto report = relogin.Run();
                if (!report) {
                    std::cerr << "andel: " << report.error().detail << "\n";
                    return 1;
                }
                std::cout << "relogin: " << report->assigned << " new participants, " << report->notified
                          << " told, " << report->reminded << " reminded, " << report->logged_out
                          << " logged out\n";
                return 0;
            }
            auto campaigns = relogin.List();
            if (campaigns.empty()) std::cout << "no re-login campaigns\n";
            for (const auto& c : campaigns) {
                std::cout << "#" << c.id << " " << c.name << " (" << c.required_method << ", "
                          << c.market.value_or("every market") << ")\n";
                std::printf("  %-5s %-20s %-20s %12s %9s %9s %9s %11s\n", "wave", "starts", "deadline",
                            "participants", "notified", "reminded", "done", "logged out");
                auto progress = relogin.Progress(c.id);
                for (const auto& w : c.waves) {
                    store::ReloginWaveProgress p;
                    for (const auto& x : progress)
                        if (x.wave_id == w.id) p = x;
                    std::printf("  %-5lld %-20s %-20s %12lld %9lld %9lld %9lld %11lld\n",
                                static_cast<long long>(w.number),
                                core::FormatTimestamp(core::FromMillis(w.starts_at)).substr(0, 16).c_str(),
                                core::FormatTimestamp(core::FromMillis(w.deadline_at)).substr(0, 16).c_str(),
                                static_cast<long long>(p.participants), static_cast<long long>(p.notified),
                                static_cast<long long>(p.reminded), static_cast<long long>(p.done),
                                static_cast<long long>(p.logged_out));
                }
            }
            return 0;
        }
        if (outbox->parsed()) {
            notify::Sealer sealer(cfg.secret_key);
            auto c = db->Read();
            auto entries = notify::ListOutbox(*c, sealer, 0, outbox_limit,
                                              outbox_to.empty() ? std::nullopt : std::optional(outbox_to));
            for (const auto& m : entries) {
                std::cout << "#" << m.id << "  " << core::FormatTimestamp(m.created_at) << "  " << m.channel
                          << " to " << m.recipient << "  [" << m.status << "]  " << m.template_key << " ("
                          << m.language << ")\n";
                if (!m.subject.empty() && m.channel != "sms") std::cout << "  Subject: " << m.subject << "\n";
                std::cout << "  " << m.body << "\n\n";
            }
            if (entries.empty()) std::cout << "the outbox is empty\n";
            return 0;
        }
        if (check_ledger->parsed()) {
            auto c = db->Read();
            auto problems = store::LedgerRepository(*c).Check(20);
            if (problems.empty()) {
                std::cout << "ledger OK: every entry sums to zero, every balance equals its postings\n";
                return 0;
            }
            for (const auto& p : problems) std::cout << p << "\n";
            return 1;
        }
        if (keys_create->parsed()) {
            app::ApiKeyService svc(*db, clock);
            auto k =
                svc.Issue(key_role, key_name, key_store.empty() ? std::nullopt : std::optional(key_store),
                          key_partner.empty() ? std::nullopt : std::optional(key_partner));
            if (!k) {
                std::cerr << "andel: " << k.error().detail << "\n";
                return 1;
            }
            std::cout << "key " << k->key_id << " created; its token (shown once):\n" << k->token << "\n";
            return 0;
        }
        if (keys_list->parsed()) {
            auto c = db->Read();
            for (const auto& k : store::ApiKeyRepository(*c).List())
                std::cout << k.key_id << "  " << k.role << "  " << (k.revoked_at ? "revoked" : "active")
                          << "  " << k.name << "\n";
            return 0;
        }
        if (keys_revoke->parsed()) {
            app::ApiKeyService svc(*db, clock);
            if (!svc.Revoke(revoke_id)) {
                std::cerr << "andel: no active key " << revoke_id << "\n";
                return 1;
            }
            std::cout << "key " << revoke_id << " revoked\n";
            return 0;
        }
        for (auto* sub : {offers_list, offers_create, offers_update, offers_pause, offers_resume,
                          offers_report, offers_assign}) {
            if (!sub->parsed()) continue;
            offers_in.verb = sub->get_name();
            notify::Sealer sealer(cfg.secret_key);
            app::OfferService offers(*db, clock, cfg.markets, sealer);
            return cli::RunOffers(offers_in, offers);
        }
        if (partners_list->parsed() || partners_add->parsed() || partners_agreement->parsed() ||
            partners_settle->parsed() || import_sales->parsed() || report_partners->parsed() ||
            job_release->parsed()) {
            app::PartnerService partners(*db, clock, cfg.markets, cfg.partner_categories);
            auto fail = [](const core::Error& e) {
                std::cerr << "andel: " << e.detail << (e.rule.empty() ? "" : " (" + e.rule + ")")
                          << (e.field.empty() ? "" : " [" + e.field + "]") << "\n";
                return 1;
            };
            if (partners_add->parsed()) {
                partner_in.sells_online = how_to_buy != "in_shop";
                partner_in.sells_in_shop = how_to_buy != "online";
                auto p = partners.Create(partner_in, "cli");
                if (!p) return fail(p.error());
                std::cout << "partner " << p->code << " added\n";
                return 0;
            }
            if (partners_agreement->parsed()) {
                auto a = partners.AddAgreement(agreement_partner, agreement_in, "cli");
                if (!a) return fail(a.error());
                std::cout << "agreement " << a->id << ": " << a->category << " at " << a->rate_bp
                          << " bp from " << a->valid_from << "\n";
                return 0;
            }
            if (partners_settle->parsed()) {
                auto s = partners.Settle(settle_partner, settle_id, settle_amount, settle_date, "cli");
                if (!s) return fail(s.error());
                std::cout << "payment " << settle_id << (s->replayed ? " was recorded before" : " recorded")
                          << "; the partner owes " << s->outstanding_minor << " (minor units)\n";
                return 0;
            }
            if (partners_list->parsed()) {
                for (const auto& v : partners.List(partner_market, false)) {
                    const auto& p = v.partner;
                    std::cout << p.code << "  " << p.market << "  " << p.category << "  " << p.name
                              << "  (from " << p.active_from << (p.active_to ? " to " + *p.active_to : "")
                              << ", holding " << p.holding_days << " days)\n";
                    for (const auto& a : v.agreements)
                        std::cout << "    #" << a.id << " " << a.category << " " << a.rate_bp << " bp from "
                                  << a.valid_from << (a.valid_to ? " to " + *a.valid_to : "") << "  "
                                  << a.label << "\n";
                }
                return 0;
            }
            if (job_release->parsed()) {
                auto r = partners.ReleaseDue();
                if (!r) return fail(r.error());
                std::cout << "partner release: " << r->released << " of " << r->sales
                          << " due sales made available\n";
                return 0;
            }
            if (report_partners->parsed()) {
                auto r = partners.Report(report_from, report_to, report_group, partner_market);
                if (!r) return fail(r.error());
                if (report_format == "csv") {
                    std::cout << app::ReportCsv(*r);
                } else {
                    for (const auto& x : r->rows)
                        std::cout << x.key << "\t" << x.name << "\t" << x.sales << " sales\t" << x.bonus_minor
                                  << " bonus\t" << x.reversed_minor << " reversed\n";
                }
                return 0;
            }
            // andel import partner-sales FILE: streamed, a result line per row, a progress bar on a terminal.
            std::ifstream file(import_file, std::ios::binary);
            if (!file) {
                std::cerr << "andel: cannot read " << import_file << "\n";
                return 1;
            }
            std::error_code size_error;
            const auto size = static_cast<int64_t>(std::filesystem::file_size(import_file, size_error));
            std::string out_path = import_out.empty() ? import_file + ".result.csv" : import_out;
            std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
            if (!out) {
                std::cerr << "andel: cannot write " << out_path << "\n";
                return 1;
            }
            out << app::kImportResultHeader;
            std::optional<int64_t> partner_id;
            {
                auto c = db->Read();
                if (auto p = store::PartnerRepository(*c).FindPartnerByCode(import_partner))
                    partner_id = p->id;
            }
            if (!partner_id) {
                std::cerr << "andel: no partner with code " << import_partner << "\n";
                return 1;
            }
            const bool tty = isatty(STDERR_FILENO);
            auto started = std::chrono::steady_clock::now();
            auto report = partners.ImportSales(
                *partner_id, file,
                [&out](const app::PartnerImportRow& row) { out << app::ImportResultLine(row); },
                [&](int64_t bytes) {
                    if (!tty || size <= 0) return;
                    int percent = static_cast<int>(bytes * 100 / size);
                    std::string bar(static_cast<size_t>(percent / 2), '#');
                    std::fprintf(stderr, "\r  [%-50s] %3d%%  %lld MB", bar.c_str(), percent,
                                 static_cast<long long>(bytes >> 20));
                },
                "cli");
            if (tty) std::fprintf(stderr, "\n");
            if (!report) return fail(report.error());
            double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::printf(
                "%lld rows, %lld sales: %lld accepted, %lld booked before, %lld rows rejected; %lld "
                "(minor units) of bonus booked in %.1f s; results in %s\n",
                static_cast<long long>(report->rows), static_cast<long long>(report->sales),
                static_cast<long long>(report->accepted), static_cast<long long>(report->replayed),
                static_cast<long long>(report->rejected), static_cast<long long>(report->bonus_minor),
                seconds, out_path.c_str());
            return report->rejected > 0 ? 3 : 0;
        }
        if (import_catalogue->parsed()) {
            std::ifstream file(catalogue_file, std::ios::binary);
            if (!file) {
                std::cerr << "andel: cannot read " << catalogue_file << "\n";
                return 1;
            }
            if (catalogue_options.format.empty())
                catalogue_options.format = catalogue_file.ends_with(".json") ? "json" : "csv";
            app::CatalogueService catalogue(*db, clock, cfg.markets);
            auto r = catalogue.Import(file, catalogue_options, "cli");
            if (!r) {
                std::cerr << "andel: " << r.error().detail
                          << (r.error().field.empty() ? "" : " [" + r.error().field + "]") << "\n";
                return 1;
            }
            for (const auto& p : r->problems)
                std::cerr << catalogue_file << ":" << p.line << ": "
                          << (p.field.empty() ? "" : p.field + ": ") << p.detail << "\n";
            if (r->refused > static_cast<int64_t>(r->problems.size()))
                std::cerr << "... and " << (r->refused - static_cast<int64_t>(r->problems.size()))
                          << " more\n";
            std::printf(
                "%s%lld products created, %lld updated, %lld unchanged, %lld refused, %lld made inactive; "
                "%lld categories written\n",
                catalogue_options.dry_run ? "dry run: " : "", static_cast<long long>(r->created),
                static_cast<long long>(r->updated), static_cast<long long>(r->unchanged),
                static_cast<long long>(r->refused), static_cast<long long>(r->deactivated),
                static_cast<long long>(r->categories));
            return r->refused > 0 ? 3 : 0;
        }
        if (job_inactivity->parsed()) {
            notify::Sealer sealer(cfg.secret_key);
            app::InactivityJob job(*db, clock, cfg.markets, sealer);
            auto r = job.Run(dry_run);
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            std::printf("%s%lld households: %lld told, %lld active again, %lld ended (R_LIFE_3)\n",
                        r->dry_run ? "dry run, nothing written: " : "", static_cast<long long>(r->households),
                        static_cast<long long>(r->notified), static_cast<long long>(r->cancelled),
                        static_cast<long long>(r->ended));
            return 0;
        }
        if (job_terms->parsed()) {
            notify::Sealer sealer(cfg.secret_key);
            app::TermsService terms(*db, clock, cfg.markets, sealer);
            auto r = terms.RunNotices(dry_run);
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            std::printf("%s%lld members %s of %lld major terms versions (R_MEM_9)\n",
                        r->dry_run ? "dry run, nothing written: " : "", static_cast<long long>(r->told),
                        r->dry_run ? "would be told" : "told", static_cast<long long>(r->versions));
            return 0;
        }
        if (job_erasure->parsed()) {
            app::ErasureJob job(*db, clock, cfg.markets);
            auto started = std::chrono::steady_clock::now();
            auto r = job.Run(dry_run);
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::printf(
                "%s%lld memberships %s, %lld messages older than %d days emptied, in %.1f s (R_PRIV_3)\n",
                r->dry_run ? "dry run, nothing written: " : "", static_cast<long long>(r->erased),
                r->dry_run ? "due for erasure" : "erased", static_cast<long long>(r->messages_emptied),
                app::kMessageRetentionDays, seconds);
            return 0;
        }
        if (job_dividend->parsed()) {
            app::DividendJob job(*db, clock, cfg.markets);
            auto r = job.Run(dividend_year, dry_run, [](int64_t done, int64_t total) {
                std::fprintf(stderr, "dividend: %lld of %lld households\n", static_cast<long long>(done),
                             static_cast<long long>(total));
            });
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            std::printf(
                "%s %lld of %lld accrued on a base of %lld (minor units) to %lld households in %lld lines "
                "for %d, of it %lld to %lld households in supplements for receipts posted after their "
                "payment; %lld households paid before\n",
                r->dry_run ? "dry run, nothing written: would pay" : "paid",
                static_cast<long long>(r->paid_minor), static_cast<long long>(r->amount_minor),
                static_cast<long long>(r->base_minor), static_cast<long long>(r->households),
                static_cast<long long>(r->lines), r->year, static_cast<long long>(r->late_minor),
                static_cast<long long>(r->late_households), static_cast<long long>(r->already_paid));
            return 0;
        }
        if (job_expiry->parsed()) {
            app::ExpiryJob job(*db, clock, cfg.markets);
            auto r = job.Run(dry_run, [](int64_t done, int64_t total) {
                std::fprintf(stderr, "expiry: %lld of %lld lots\n", static_cast<long long>(done),
                             static_cast<long long>(total));
            });
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            char month[16];
            std::snprintf(month, sizeof month, "%04d-%02d", r->month / 100, r->month % 100);
            std::printf("%s %lld points in %lld lots of %lld households (months ended up to %s)\n",
                        r->dry_run ? "dry run, nothing posted: would expire" : "expired",
                        static_cast<long long>(r->points), static_cast<long long>(r->lots),
                        static_cast<long long>(r->households), month);
            return 0;
        }
        if (job_personalise->parsed()) {
            app::PersonaliseService job(*db, clock, cfg.markets);
            auto r = job.Run();
            if (!r) {
                std::cerr << "andel: " << r.error().detail << "\n";
                return 1;
            }
            std::printf(
                "week of %s: %lld consenting members, %lld personal offers in the pools: %lld selections "
                "added, "
                "%lld withdrawn, %lld removed for a withdrawn consent, in %.1f s (R_OFF_3, R_PRIV_2)\n",
                r->week.c_str(), static_cast<long long>(r->members), static_cast<long long>(r->pool),
                static_cast<long long>(r->selected), static_cast<long long>(r->withdrawn),
                static_cast<long long>(r->revoked), r->seconds);
            return 0;
        }
        if (generate->parsed()) {
            app::GenerateOptions options;
            options.members = members;
            options.seed = seed;
            bool tty = isatty(STDERR_FILENO);
            options.progress = [tty](int64_t done, int64_t total) {
                if (tty)
                    std::fprintf(stderr, "\r  %lld / %lld members (%d%%)", static_cast<long long>(done),
                                 static_cast<long long>(total), static_cast<int>(done * 100 / total));
                else if (done == total || done % 500'000 < 20'000)
                    std::fprintf(stderr, "generated %lld of %lld members\n", static_cast<long long>(done),
                                 static_cast<long long>(total));
            };
            auto r = app::GenerateMembers(*db, cfg.markets, cfg.national_id_key, clock, options);
            if (tty) std::fprintf(stderr, "\n");
            std::printf("generated %lld members in %lld households with %lld cards in %.1f s\n",
                        static_cast<long long>(r.members), static_cast<long long>(r.households),
                        static_cast<long long>(r.cards), r.seconds);
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "andel: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
