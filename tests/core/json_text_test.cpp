// core::AppendJsonString / AppendJsonInt write what nlohmann::json::dump() (error_handler_t::replace) writes.
#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace andel::core {
namespace {

std::string Nlohmann(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonText, StringsAreWrittenAsNlohmannWritesThem) {
    for (std::string s :
         {std::string(""), std::string("Hanne"), std::string("say \"hi\""), std::string("back\\slash"),
          std::string("tab\there"), std::string("nl\n"), std::string("\x01\x1f", 2),
          std::string("Förnamn Søren Åse"), std::string("~\x7f"), std::string("bad \xff\xfe utf-8"),
          std::string("cut \xc3"), std::string("nul\0x", 5)}) {
        std::string out = "[";
        AppendJsonString(out, s);
        EXPECT_EQ(out, "[" + Nlohmann(s)) << s;
    }
}

TEST(JsonText, IntegersAreWrittenAsNlohmannWritesThem) {
    for (int64_t n : {int64_t{0}, int64_t{-1}, int64_t{42}, std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max()}) {
        std::string out;
        AppendJsonInt(out, n);
        EXPECT_EQ(out, Nlohmann(n));
    }
}

}  // namespace
}  // namespace andel::core
