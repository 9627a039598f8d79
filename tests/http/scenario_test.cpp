// Replays the API scenario files under tests/scenarios (STYLE.md: behaviour as data), and the ```scenario
// examples of the guides in docs/, against a real server
// on 127.0.0.1, on SQLite and on PostgreSQL, over the demo dataset.
//
// A file is a list of steps, each:
//   ### what the step shows (rule IDs here)
//   METHOD /path/with/{{captured}}/values
//   auth: backoffice | till | till-no | till-se | partner | partner-travel | none   (optional; default
//         backoffice; tills of dk-odense-1, no-bergen-1, se-umea-1; partners dk-synoptik and dk-tui), or
//         "bearer {{token}}" for a captured session token
//   content-type: application/x-ndjson      (optional; default application/json; an NDJSON answer is
//         compared as an array of its lines, a text/csv answer as an array of its lines as strings)
//   clock: 2026-12-01T12:00:00Z             (optional; sets the server's clock from this step on; it starts
//         at 2026-11-23T08:00:00Z)
//   header: Idempotency-Key: abc-{{x}}      (optional, any number; an extra request header)
//   <request JSON, optional, any number of lines>
//   ---- STATUS
//   <expected JSON, optional>
//   capture NAME = /json/pointer            (optional, any number)
//   capture NAME = /json/pointer ~ REGEX    (the first group of REGEX in that string, e.g. an SMS code)
// Expected JSON matches when every key it names matches (other keys may be present), arrays match element by
// element with equal length, and the string "*" matches any value present.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "app/access/api_key_service.hpp"
#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "http/api/api.hpp"
#include "http/server.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

using nlohmann::json;

struct Step {
    std::string title, method, path, auth = "backoffice", body;
    std::string content_type = "application/json";
    std::string clock;  // set the server's clock before this step (RFC 3339)
    std::vector<std::pair<std::string, std::string>> headers;
    int status = 0;
    std::string expected;
    std::vector<std::pair<std::string, std::string>> captures;
    int line = 0;
};

std::string Trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Step> ParseScenario(const std::string& path) {
    std::ifstream in(path);
    std::vector<Step> steps;
    std::string line;
    int n = 0;
    enum { kNone, kRequest, kBody, kExpected } state = kNone;
    // In a Markdown guide only the ```scenario blocks are steps; the prose around them is skipped.
    const bool markdown = path.ends_with(".md");
    bool in_block = false;
    while (std::getline(in, line)) {
        ++n;
        if (markdown) {
            if (line.starts_with("```")) {
                in_block = !in_block && line == "```scenario";
                continue;
            }
            if (!in_block) continue;
        }
        if (line.starts_with("### ")) {
            steps.push_back({});
            steps.back().title = line.substr(4);
            steps.back().line = n;
            state = kRequest;
            continue;
        }
        if (state == kNone || (line.starts_with("#") && state != kBody && state != kExpected)) continue;
        Step& s = steps.back();
        if (state == kRequest && s.method.empty()) {
            std::istringstream words(line);
            words >> s.method >> s.path;
            continue;
        }
        if (line.starts_with("---- ")) {
            s.status = std::stoi(line.substr(5));
            state = kExpected;
            continue;
        }
        if (state == kRequest && line.starts_with("clock:")) {
            s.clock = Trim(line.substr(6));
            continue;
        }
        if (state == kRequest && line.starts_with("header:")) {
            auto colon = line.find(':', 7);
            s.headers.emplace_back(Trim(line.substr(7, colon - 7)),
                                   colon == std::string::npos ? "" : Trim(line.substr(colon + 1)));
            continue;
        }
        if (state == kRequest && line.starts_with("content-type:")) {
            s.content_type = Trim(line.substr(13));
            continue;
        }
        if (state == kRequest && line.starts_with("auth:")) {
            s.auth = Trim(line.substr(5));
            continue;
        }
        if (state == kExpected && line.starts_with("capture ")) {
            auto eq = line.find('=');
            s.captures.emplace_back(Trim(line.substr(8, eq - 8)), Trim(line.substr(eq + 1)));
            continue;
        }
        if (state == kRequest || state == kBody) {
            state = kBody;
            s.body += line + "\n";
        } else if (state == kExpected) {
            s.expected += line + "\n";
        }
    }
    return steps;
}

std::string Substitute(std::string text, const std::map<std::string, std::string>& vars) {
    static const std::regex var(R"(\{\{([a-z_0-9]+)\}\})");
    std::string out;
    std::sregex_iterator it(text.begin(), text.end(), var), end;
    size_t last = 0;
    for (; it != end; ++it) {
        out += text.substr(last, it->position() - last);
        auto found = vars.find((*it)[1]);
        out += found == vars.end() ? "<undefined " + (*it)[1].str() + ">" : found->second;
        last = it->position() + it->length();
    }
    return out + text.substr(last);
}

// Why `actual` does not match `expected`, or "" when it does.
std::string Mismatch(const json& expected, const json& actual, const std::string& where) {
    if (expected.is_string() && expected.get<std::string>() == "*") return "";
    if (expected.is_object()) {
        if (!actual.is_object()) return where + ": expected an object, got " + actual.dump();
        for (const auto& [k, v] : expected.items()) {
            if (!actual.contains(k)) return where + "/" + k + ": missing";
            auto m = Mismatch(v, actual[k], where + "/" + k);
            if (!m.empty()) return m;
        }
        return "";
    }
    if (expected.is_array()) {
        if (!actual.is_array() || actual.size() != expected.size())
            return where + ": expected " + std::to_string(expected.size()) + " elements, got " +
                   actual.dump();
        for (size_t i = 0; i < expected.size(); ++i) {
            auto m = Mismatch(expected[i], actual[i], where + "/" + std::to_string(i));
            if (!m.empty()) return m;
        }
        return "";
    }
    if (expected != actual) return where + ": expected " + expected.dump() + ", got " + actual.dump();
    return "";
}

struct HttpResult {
    int status = 0;
    std::string content_type, body;
};

HttpResult Call(uint16_t port, const std::string& method, const std::string& path, const std::string& token,
                const std::string& body, const std::string& content_type,
                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
    if (!body.empty()) req += "Content-Type: " + content_type + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (size_t sent = 0; sent < req.size();) {
        auto k = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (k <= 0) break;
        sent += static_cast<size_t>(k);
    }
    std::string raw;
    char buf[8192];
    for (ssize_t k; (k = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<size_t>(k));
    ::close(fd);
    HttpResult r;
    auto head_end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || head_end == std::string::npos) return r;
    r.status = std::stoi(raw.substr(9, 3));
    std::string head = raw.substr(0, head_end);
    std::string lower = head;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto ct = lower.find("\r\ncontent-type:");
    if (ct != std::string::npos) {
        auto e = head.find("\r\n", ct + 2);
        r.content_type = Trim(head.substr(ct + 15, e - ct - 15));
    }
    r.body = raw.substr(head_end + 4);
    return r;
}

class Scenario : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Scenario, Replays) {
    const auto& [engine, file] = GetParam();
    ANDEL_SKIP_UNLESS_ENGINE(engine);
    test::TestApp app(engine);
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    http::Server server(options, *app.router);
    server.Start();

    std::map<std::string, std::string> vars;
    for (const auto& step : ParseScenario(test::SourcePath(file))) {
        SCOPED_TRACE(file + ":" + std::to_string(step.line) + " " + step.title);
        std::string token = step.auth == "backoffice"          ? app::kDemoBackOfficeToken
                            : step.auth == "till"              ? app::kDemoTillToken
                            : step.auth == "till-no"           ? app::kDemoTillTokenNo
                            : step.auth == "till-se"           ? app::kDemoTillTokenSe
                            : step.auth == "partner"           ? app::kDemoPartnerToken
                            : step.auth == "partner-travel"    ? app::kDemoTravelPartnerToken
                            : step.auth.starts_with("bearer ") ? Substitute(step.auth.substr(7), vars)
                                                               : "";
        if (!step.clock.empty()) {
            core::Timestamp t;
            ASSERT_TRUE(core::ParseTimestamp(step.clock, t)) << "clock: " << step.clock;
            app.clock.Set(t);
        }
        std::vector<std::pair<std::string, std::string>> headers;
        for (const auto& [name, value] : step.headers) headers.emplace_back(name, Substitute(value, vars));
        auto r = Call(server.port(), step.method, Substitute(step.path, vars), token,
                      Substitute(step.body, vars), step.content_type, headers);
        ASSERT_EQ(r.status, step.status) << r.body;
        if (r.status >= 400) {
            EXPECT_EQ(r.content_type, "application/problem+json");
        }
        json actual = json::parse(r.body, nullptr, false);
        if (r.content_type == "application/x-ndjson") {  // compared as an array of its lines
            actual = json::array();
            std::istringstream lines(r.body);
            for (std::string l; std::getline(lines, l);) actual.push_back(json::parse(l, nullptr, false));
        }
        if (r.content_type.starts_with("text/csv")) {  // compared as an array of its lines, as strings
            actual = json::array();
            std::istringstream lines(r.body);
            for (std::string l; std::getline(lines, l);) actual.push_back(Trim(l));
        }
        if (!Trim(step.expected).empty()) {
            json expected = json::parse(Substitute(step.expected, vars), nullptr, false);
            ASSERT_FALSE(expected.is_discarded()) << "the expected JSON of this step does not parse";
            ASSERT_FALSE(actual.is_discarded()) << r.body;
            auto why = Mismatch(expected, actual, "");
            EXPECT_TRUE(why.empty()) << why << "\nresponse: " << r.body;
        }
        for (const auto& [name, spec] : step.captures) {
            ASSERT_FALSE(actual.is_discarded());
            std::string pointer = Trim(spec.substr(0, spec.find(" ~ ")));
            auto value = actual.value(json::json_pointer(pointer), json());
            ASSERT_FALSE(value.is_null()) << "nothing at " << pointer << " in " << r.body;
            vars[name] = value.is_string() ? value.get<std::string>() : value.dump();
            if (auto tilde = spec.find(" ~ "); tilde != std::string::npos) {
                std::smatch m;
                std::string text = vars[name];
                ASSERT_TRUE(std::regex_search(text, m, std::regex(Trim(spec.substr(tilde + 3)))) &&
                            m.size() > 1)
                    << "no match for " << spec << " in " << text;
                vars[name] = m[1].str();
            }
        }
    }
    server.Stop();
}

// Every scenario file, and every guide in docs/ whose examples are ```scenario blocks (so a guide cannot go
// stale), as paths relative to the source tree.
std::vector<std::tuple<std::string, std::string>> Cases() {
    std::vector<std::tuple<std::string, std::string>> out;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(test::SourcePath("tests/scenarios")))
        if (e.path().extension() == ".scenario")
            files.push_back(std::filesystem::relative(e.path(), test::SourcePath("")).string());
    for (const auto& e : std::filesystem::directory_iterator(test::SourcePath("docs"))) {
        if (e.path().extension() != ".md") continue;
        std::ifstream in(e.path());
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (text.find("```scenario") != std::string::npos)
            files.push_back(std::filesystem::relative(e.path(), test::SourcePath("")).string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& engine : test::Engines())
        for (const auto& f : files) out.emplace_back(engine, f);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Files, Scenario, ::testing::ValuesIn(Cases()), [](const auto& info) {
    std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
    for (auto& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
});

}  // namespace
}  // namespace andel
