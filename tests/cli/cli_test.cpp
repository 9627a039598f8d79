// The andel program itself: its verbs' exit codes and messages, and a graceful stop on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "store/database.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

Run Andel(const std::string& args) {
    std::string cmd = ANDEL_BINARY;  // appended piecewise: GCC 12 warns falsely on a chain of + here
    cmd += ' ';
    cmd += args;
    cmd += " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.output.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string TempDir(const std::string& name) {
    auto dir =
        std::filesystem::temp_directory_path() / ("andel-cli-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

TEST(Cli, ConfigCheckAcceptsTheShippedConfiguration) {
    auto r = Andel("config check --config " + test::SourcePath("config"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("configuration OK"), std::string::npos) << r.output;
}

TEST(Cli, ConfigCheckNamesFileKeyAndProblem) {
    auto dir = TempDir("config");
    std::filesystem::copy(test::SourcePath("config"), dir, std::filesystem::copy_options::recursive);
    std::string path = dir + "/markets/se.toml";
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = std::regex_replace(text, std::regex("max_participants = 19"), "max_participants = -1");
    std::ofstream(path) << text;
    auto r = Andel("config check --config " + dir);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("se.toml"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("households.max_participants"), std::string::npos) << r.output;
}

TEST(Cli, ServeRefusesToStartWithABrokenConfiguration) {
    auto r = Andel("serve --config /nonexistent/config --port 0");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("andel.toml"), std::string::npos) << r.output;
}

TEST(Cli, MigrateThenKeysCreateListRevoke) {
    auto dir = TempDir("keys");
    std::string common = "--config " + test::SourcePath("config") + " --database sqlite:" + dir + "/a.db";
    auto m = Andel("migrate " + common);
    ASSERT_EQ(m.exit_code, 0) << m.output;
    auto bad = Andel("keys create --role till --name t " + common);
    EXPECT_EQ(bad.exit_code, 1) << "a till key needs a store: " << bad.output;
    auto k = Andel("keys create --role backoffice --name ops " + common);
    ASSERT_EQ(k.exit_code, 0) << k.output;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(k.output, match, std::regex("andel_([0-9a-f]{16})_[0-9a-f]{64}")))
        << k.output;
    std::string key_id = match[1];
    auto list = Andel("keys list " + common);
    EXPECT_NE(list.output.find(key_id + "  backoffice  active"), std::string::npos) << list.output;
    EXPECT_EQ(list.output.find(match[0].str().substr(23)), std::string::npos) << "the secret is never listed";
    EXPECT_EQ(Andel("keys revoke " + key_id + " " + common).exit_code, 0);
    EXPECT_NE(Andel("keys list " + common).output.find(key_id + "  backoffice  revoked"), std::string::npos);
    EXPECT_EQ(Andel("keys revoke " + key_id + " " + common).exit_code, 1);
}

// The erasure job from the command line (R_PRIV_3): a dry run counts, a run erases nothing on a database
// whose memberships are all active, and says so.
TEST(Cli, ErasureAndTermsNoticeJobsRunAndSayWhatTheyDid_R_PRIV_3_R_MEM_9) {
    auto dir = TempDir("erasure");
    std::string common = "--config " + test::SourcePath("config") + " --database sqlite:" + dir + "/a.db";
    ASSERT_EQ(Andel("migrate " + common).exit_code, 0);
    auto dry = Andel("jobs run erasure --dry-run " + common);
    EXPECT_EQ(dry.exit_code, 0) << dry.output;
    EXPECT_NE(dry.output.find("dry run, nothing written: 0 memberships due for erasure"), std::string::npos)
        << dry.output;
    auto run = Andel("jobs run erasure " + common);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("0 memberships erased"), std::string::npos) << run.output;
    // R_MEM_9: no major change of the terms is waiting to be told.
    auto terms = Andel("jobs run terms-notice " + common);
    EXPECT_EQ(terms.exit_code, 0) << terms.output;
    EXPECT_NE(terms.output.find("0 members told of 0 major terms versions"), std::string::npos)
        << terms.output;
}

// SIGTERM: a request in flight finishes, then the process exits 0.
// A partner set up from the command line, a key for it, a file of sales imported with its result file, and
// the report (R_PART_1, R_PART_3, R_PART_4).
TEST(Cli, PartnerSetUpImportAndReport_R_PART_3) {
    auto dir = TempDir("partners");
    std::string common = "--config " + test::SourcePath("config") + " --database sqlite:" + dir + "/a.db";
    ASSERT_EQ(Andel("generate --members 20 " + common).exit_code, 0);
    auto add = Andel(
        "partners add --code dk-cli-optik --market dk --name 'CLI Optik' --category home --how both "
        "--from 2026-01-01 " +
        common);
    ASSERT_EQ(add.exit_code, 0) << add.output;
    auto bad =
        Andel("partners add --code dk-x --market dk --name X --category casino --from 2026-01-01 " + common);
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("R_PART_2"), std::string::npos) << bad.output;
    auto rate = Andel(
        "partners agreement --partner dk-cli-optik --category glasses --label Briller --rate-bp 500 "
        "--from 2026-01-01 " +
        common);
    ASSERT_EQ(rate.exit_code, 0) << rate.output;
    auto key = Andel("keys create --role partner --partner dk-cli-optik --name shop " + common);
    EXPECT_EQ(key.exit_code, 0) << key.output;
    EXPECT_EQ(Andel("keys create --role partner --name shop " + common).exit_code, 1) << "needs a partner";
    std::string member;
    {
        auto db = store::Open("sqlite:" + dir + "/a.db");
        auto c = db->Read();
        member =
            c->QueryOne(
                 "SELECT m.member_number FROM members m JOIN household_members hm ON hm.member_id = m.id "
                 "WHERE m.market = 'dk' AND m.kind = 'member' ORDER BY m.id")
                ->Text(0);
    }
    // Today in the file: the import checks dates against the real clock here.
    core::SystemClock clock;
    std::string today = core::FormatDate(core::UtcDate(clock.Now() - std::chrono::hours(24)));
    {
        std::ofstream f(dir + "/sales.csv");
        f << "sale_id,member_number,sale_date,category,amount,currency\n"
          << "C-1," << member << "," << today << ",glasses,30000.00,DKK\n"
          << "C-2,99999995," << today << ",glasses,100,DKK\n";
    }
    auto first = Andel("import partner-sales " + dir + "/sales.csv --partner dk-cli-optik " + common);
    EXPECT_EQ(first.exit_code, 3) << "a row was rejected: " << first.output;
    EXPECT_NE(first.output.find("2 rows, 2 sales: 1 accepted, 0 booked before, 1 rows rejected"),
              std::string::npos)
        << first.output;
    std::ifstream result(dir + "/sales.csv.result.csv");
    std::string text((std::istreambuf_iterator<char>(result)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("2,C-1,accepted,150000,150000,DKK,,"), std::string::npos) << text;
    EXPECT_NE(text.find("3,C-2,rejected,,,,,no member with number 99999995"), std::string::npos) << text;
    auto again = Andel("import partner-sales " + dir + "/sales.csv --partner dk-cli-optik --out " + dir +
                       "/again.csv " + common);
    EXPECT_NE(again.output.find("0 accepted, 1 booked before"), std::string::npos) << again.output;
    auto report = Andel("reports partners --from 2026-01-01 --to 2099-12-31 " + common);
    EXPECT_EQ(report.exit_code, 0) << report.output;
    EXPECT_NE(report.output.find("partner,dk-cli-optik,CLI Optik,1,3000000,150000,0,150000"),
              std::string::npos)
        << report.output;
    EXPECT_EQ(Andel("check ledger " + common).exit_code, 0);
    EXPECT_EQ(Andel("import partner-sales " + dir + "/none.csv --partner dk-cli-optik " + common).exit_code,
              1);
}

TEST(Cli, ImportCatalogueLoadsGoodRowsAndReportsBadOnesByLine) {
    auto dir = TempDir("catalogue");
    std::string common = "--config " + test::SourcePath("config") + " --database sqlite:" + dir + "/a.db";
    ASSERT_EQ(Andel("generate --members 1 " + common).exit_code, 0);
    {
        std::ofstream f(dir + "/products.csv");
        f << "ean,name,unit_price_minor,category,stores\n"
          << "5701234000013,Letmælk,1295,Mejeri > Mælk,\n"
          << "5701234000014,Bad check digit,100,Mejeri,\n"
          << "5701234000020,Skummetmælk,1095,Mejeri > Mælk,dk-odense-1\n";
    }
    auto first = Andel("import catalogue " + dir + "/products.csv --market dk " + common);
    EXPECT_EQ(first.exit_code, 3) << first.output;
    EXPECT_NE(first.output.find("products.csv:3: ean: not a valid EAN"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("2 products created, 0 updated, 0 unchanged, 1 refused"), std::string::npos)
        << first.output;
    {
        std::ofstream f(dir + "/full.json");
        f << R"({"categories": [{"code": "mejeri", "name": "Mejeri"}],
                 "products": [{"ean": "5701234000013", "name": "Letmælk", "unit_price_minor": 1395, "category": "mejeri"}]})";
    }
    auto full = Andel("import catalogue " + dir + "/full.json --market dk --full " + common);
    EXPECT_EQ(full.exit_code, 0) << full.output;
    EXPECT_NE(full.output.find("0 products created, 1 updated, 0 unchanged, 0 refused, 1 made inactive"),
              std::string::npos)
        << full.output;
    EXPECT_EQ(Andel("import catalogue " + dir + "/products.csv --market xx " + common).exit_code, 1);
    EXPECT_EQ(Andel("import catalogue " + dir + "/none.csv --market dk " + common).exit_code, 1);
}

TEST(Cli, OffersCreateListPauseResumeAndReport_R_OFF_1) {
    auto dir = TempDir("offers");
    std::string common = "--config " + test::SourcePath("config") + " --database sqlite:" + dir + "/a.db";
    ASSERT_EQ(Andel("generate --members 1 " + common).exit_code, 0);
    {
        std::ofstream f(dir + "/products.csv");
        f << "ean,name,unit_price_minor,category,stores\n"
          << "5701234000013,Smør,2495,Mejeri > Smør,\n";
    }
    ASSERT_EQ(Andel("import catalogue " + dir + "/products.csv --market dk " + common).exit_code, 0);
    // The program runs on the real clock: the offer runs from yesterday for a month.
    auto day = [](int offset) {
        auto t = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                 std::chrono::days(offset);
        std::chrono::year_month_day ymd{t};
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        return std::string(buf);
    };
    {
        std::ofstream f(dir + "/offers.json");
        f << R"([{"code": "dk-cli-smoer", "market": "dk", "title": "2 for 40 på smør", "kind": "multi_buy",
                  "target": {"kind": "products", "eans": ["5701234000013"]},
                  "params": {"buy_quantity": 2, "bundle_price_minor": 4000},
                  "valid_from": ")"
          << day(-1) << R"(", "valid_to": ")" << day(30) << R"("},
                 {"code": "dk-cli-bad", "market": "dk", "title": "Half price", "kind": "half_price",
                  "target": {"kind": "products", "eans": ["5701234000013"]},
                  "valid_from": ")"
          << day(-1) << R"(", "valid_to": ")" << day(30) << R"("}])";
    }
    auto created = Andel("offers create " + dir + "/offers.json " + common);
    EXPECT_EQ(created.exit_code, 3) << created.output;
    EXPECT_NE(created.output.find("created dk-cli-smoer"), std::string::npos) << created.output;
    EXPECT_NE(created.output.find("offer 2 (dk-cli-bad): "), std::string::npos) << created.output;
    EXPECT_NE(created.output.find("[kind]"), std::string::npos) << created.output;
    EXPECT_NE(created.output.find("1 offers created, 1 refused"), std::string::npos) << created.output;
    auto again = Andel("offers create " + dir + "/offers.json " + common);
    EXPECT_EQ(again.exit_code, 3) << "the code is taken now";
    EXPECT_NE(again.output.find("0 offers created, 2 refused"), std::string::npos) << again.output;

    auto list = Andel("offers list --market dk " + common);
    EXPECT_EQ(list.exit_code, 0) << list.output;
    EXPECT_NE(list.output.find("dk-cli-smoer  dk  active"), std::string::npos) << list.output;
    auto paused = Andel("offers pause dk-cli-smoer " + common);
    EXPECT_EQ(paused.exit_code, 0) << paused.output;
    EXPECT_NE(paused.output.find("dk-cli-smoer  dk  paused"), std::string::npos) << paused.output;
    EXPECT_EQ(Andel("offers resume dk-cli-smoer " + common).exit_code, 0);
    auto report = Andel("offers report dk-cli-smoer " + common);
    EXPECT_EQ(report.exit_code, 0) << report.output;
    EXPECT_NE(report.output.find("assigned 0, activated 0, redeemed 0"), std::string::npos) << report.output;
    EXPECT_EQ(Andel("offers report dk-no-such " + common).exit_code, 1);
    EXPECT_EQ(Andel("offers assign dk-cli-smoer --members 00000000 " + common).exit_code, 1)
        << "an offer for all members is not assigned, and no such member";
    EXPECT_EQ(Andel("offers create " + dir + "/none.json " + common).exit_code, 1);
}

TEST(Cli, SigtermStopsGracefullyWithExitZero) {
    auto dir = TempDir("serve");
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::close(out[0]);
        std::string db = "sqlite:" + dir + "/s.db";
        std::string config = test::SourcePath("config");
        ::setenv("ANDEL_LOG_LEVEL", "warn", 1);
        ::execl(ANDEL_BINARY, ANDEL_BINARY, "serve", "--config", config.c_str(), "--database", db.c_str(),
                "--port", "0", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string printed;
    std::smatch match;
    char buf[512];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!std::regex_search(printed, match, std::regex("127\\.0\\.0\\.1:(\\d+)")) &&
           std::chrono::steady_clock::now() < deadline) {
        auto n = ::read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        printed.append(buf, static_cast<size_t>(n));
    }
    ASSERT_FALSE(match.empty()) << printed;
    int port = std::stoi(match[1]);

    // Open a connection and send half a request, so a request is in flight when SIGTERM arrives.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(::kill(pid, SIGTERM), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string rest = "\r\n";
    ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    std::string reply;
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<size_t>(n));
    ::close(fd);
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;

    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ::close(out[0]);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace andel
