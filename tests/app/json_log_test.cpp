// The JSON log (log_format = "json"): every line is one JSON object, whatever the message was.
#include "app/json_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace andel::app {
namespace {

TEST(JsonLog, AnObjectIsTheEventAsItIs) {
    EXPECT_EQ(JsonLogEvent(R"({"msg":"migration applied","version":26})"),
              R"({"msg":"migration applied","version":26})");
}

TEST(JsonLog, PlainTextBecomesAMessage) {
    EXPECT_EQ(JsonLogEvent("http server listening on 127.0.0.1:8080 with 4 threads"),
              R"({"msg":"http server listening on 127.0.0.1:8080 with 4 threads"})");
    EXPECT_EQ(JsonLogEvent(""), R"({"msg":""})");
}

TEST(JsonLog, AnObjectThatDoesNotParseIsQuotedNotPassedOn) {
    // An error text with quotes formatted into an object, and a format string's doubled braces.
    const std::string broken = R"({"msg":"failed","error":"near "persons": syntax error"})";
    auto event = nlohmann::json::parse(JsonLogEvent(broken));
    EXPECT_EQ(event.at("msg"), broken);
    EXPECT_EQ(nlohmann::json::parse(JsonLogEvent(R"({{"msg":"stopped"}})")).at("msg"),
              R"({{"msg":"stopped"}})");
    // Not UTF-8: replaced, still one line of JSON.
    auto bytes = nlohmann::json::parse(JsonLogEvent("card \xff\xfe read"));
    EXPECT_EQ(bytes.at("msg"), "card \xEF\xBF\xBD\xEF\xBF\xBD read");
}

TEST(JsonLog, EveryLineTheLoggerWritesParses) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    spdlog::logger logger("json-log-test", sink);
    logger.set_formatter(JsonLogFormatter());
    logger.info("http server stopped");
    logger.warn(R"({{"msg":"till cache: reading failed","error":"{}"}})", R"(a "quoted" reason)");
    logger.info(R"({"msg":"stopped"})");
    std::istringstream lines(out.str());
    std::string line;
    std::vector<nlohmann::json> parsed;
    while (std::getline(lines, line)) parsed.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(parsed.size(), 3u);
    EXPECT_EQ(parsed[0].at("level"), "info");
    EXPECT_EQ(parsed[0].at("event").at("msg"), "http server stopped");
    EXPECT_EQ(parsed[1].at("level"), "warning");
    EXPECT_EQ(parsed[1].at("event").at("msg"),
              R"({"msg":"till cache: reading failed","error":"a "quoted" reason"})");
    EXPECT_EQ(parsed[2].at("event").at("msg"), "stopped");
    const std::string time = parsed[0].at("time");
    EXPECT_EQ(time.size(), 24u);  // 2026-12-04T19:58:17.089Z
    EXPECT_EQ(time.back(), 'Z');
}

}  // namespace
}  // namespace andel::app
