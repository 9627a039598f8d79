#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace andel::core {
namespace {

using Fields = std::vector<std::string>;

struct ReadResult {
    std::vector<CsvRecord> records;
    int64_t bytes_read = 0;
};

ReadResult ReadAll(const std::string& text, CsvLimits limits = {}) {
    std::istringstream in(text);
    CsvReader reader(in, limits);
    ReadResult result;
    CsvRecord record;
    while (reader.Next(record)) result.records.push_back(record);
    EXPECT_FALSE(reader.Next(record));  // the end stays the end
    result.bytes_read = reader.bytes_read();
    EXPECT_EQ(result.bytes_read, static_cast<int64_t>(text.size()));
    return result;
}

// Expects one good record with these fields on this line.
void ExpectRecord(const CsvRecord& record, const Fields& fields, int64_t line) {
    EXPECT_FALSE(record.error.has_value()) << *record.error;
    EXPECT_EQ(record.fields, fields);
    EXPECT_EQ(record.line, line);
}

// Expects a bad record on this line whose message contains `part`.
void ExpectError(const CsvRecord& record, int64_t line, std::string_view part) {
    ASSERT_TRUE(record.error.has_value());
    EXPECT_NE(record.error->find(part), std::string::npos) << *record.error;
    EXPECT_EQ(record.line, line);
}

TEST(CsvReader, ReadsRecordsWithAndWithoutFinalLineBreak) {
    auto r = ReadAll("partner,amount\nP1,100\nP2,250");
    ASSERT_EQ(r.records.size(), 3u);
    ExpectRecord(r.records[0], {"partner", "amount"}, 1);
    ExpectRecord(r.records[1], {"P1", "100"}, 2);
    ExpectRecord(r.records[2], {"P2", "250"}, 3);
}

TEST(CsvReader, EmptyFieldsAndTrailingComma) {
    auto r = ReadAll(",a,,\n,\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectRecord(r.records[0], {"", "a", "", ""}, 1);
    ExpectRecord(r.records[1], {"", ""}, 2);
    auto at_eof = ReadAll("a,");
    ASSERT_EQ(at_eof.records.size(), 1u);
    ExpectRecord(at_eof.records[0], {"a", ""}, 1);
}

TEST(CsvReader, QuotedFieldsHoldCommasAndDoubledQuotes) {
    auto r = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n\"\"\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectRecord(r.records[0], {"a,b", "say \"hi\"", "", "\""}, 1);
    ExpectRecord(r.records[1], {""}, 2);  // a quoted empty field is a record, unlike an empty line
}

TEST(CsvReader, QuotedLineBreaksSpanLinesAndLineIsWhereRecordStarts) {
    auto r = ReadAll("x\n\"multi\nline\n\",y\nz\n\"a\r\nb\"\nlast");
    ASSERT_EQ(r.records.size(), 5u);
    ExpectRecord(r.records[0], {"x"}, 1);
    ExpectRecord(r.records[1], {"multi\nline\n", "y"}, 2);
    ExpectRecord(r.records[2], {"z"}, 5);
    ExpectRecord(r.records[3], {"a\r\nb"}, 6);
    ExpectRecord(r.records[4], {"last"}, 8);
}

TEST(CsvReader, CrlfEndsRecordsAndCrInsideQuotesIsContent) {
    auto r = ReadAll("a,b\r\n\"c\rd\",\"e\"\r\n\r\nf\r\n");
    ASSERT_EQ(r.records.size(), 3u);
    ExpectRecord(r.records[0], {"a", "b"}, 1);
    ExpectRecord(r.records[1], {"c\rd", "e"}, 2);
    ExpectRecord(r.records[2], {"f"}, 4);
}

TEST(CsvReader, LoneCrOutsideQuotesIsAnError) {
    auto r = ReadAll("a\rb,c\nok,1\n\"q\"\rx\nok,2\n\rz\nok,3\nend\r");
    ASSERT_EQ(r.records.size(), 7u);
    ExpectError(r.records[0], 1, "Field 1 has a carriage return");
    ExpectRecord(r.records[1], {"ok", "1"}, 2);
    ExpectError(r.records[2], 3, "Field 1 has a carriage return");  // after a closing quote
    ExpectRecord(r.records[3], {"ok", "2"}, 4);
    ExpectError(r.records[4], 5, "carriage return");  // a CR alone on its line, not followed by LF
    ExpectRecord(r.records[5], {"ok", "3"}, 6);
    ExpectError(r.records[6], 7, "carriage return");  // a CR at the end of the file
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsAnErrorAndReadingGoesOn) {
    auto r = ReadAll("ok,ab\"c,d\ne,f\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectError(r.records[0], 1, "Field 2 has a quote but does not start with one");
    ExpectRecord(r.records[1], {"e", "f"}, 2);
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
    auto r = ReadAll("\"ab\"c,d\n\"ab\" ,d\ne\n");
    ASSERT_EQ(r.records.size(), 3u);
    ExpectError(r.records[0], 1, "Field 1 has text after its closing quote");
    ExpectError(r.records[1], 2, "Field 1 has text after its closing quote");
    ExpectRecord(r.records[2], {"e"}, 3);
}

TEST(CsvReader, ResynchronisesAtLineBreakOutsideQuotes) {
    // The bad record's later quoted field still hides its line break, so "d,e" is read as a record of its
    // own.
    auto r = ReadAll("\"x\"y,\"multi\nline\",z\nd,e\na\"b,\"c\n,\"\nf\n");
    ASSERT_EQ(r.records.size(), 4u);
    ExpectError(r.records[0], 1, "text after its closing quote");
    ExpectRecord(r.records[1], {"d", "e"}, 3);
    ExpectError(r.records[2], 4, "has a quote");
    ExpectRecord(r.records[3], {"f"}, 6);
}

TEST(CsvReader, UnterminatedQuoteAtEndOfInputIsAnError) {
    auto r = ReadAll("a,b\nc,\"unclosed\nmore\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectRecord(r.records[0], {"a", "b"}, 1);
    ExpectError(r.records[1], 2, "Field 2 opens a quote that is not closed before the end of the file");
    auto lone = ReadAll("\"");
    ASSERT_EQ(lone.records.size(), 1u);
    ExpectError(lone.records[0], 1, "not closed");
}

TEST(CsvReader, OpenQuoteSwallowingTheFileIsCutAtRecordLimit) {
    std::string text = "ok,0\n\"open,1\n";
    for (int i = 2; i < 40; ++i) text += "row," + std::to_string(i) + "\n";  // 6 or 7 bytes a line
    auto r = ReadAll(text, {.max_record_bytes = 50});
    ASSERT_GE(r.records.size(), 3u);
    ExpectRecord(r.records[0], {"ok", "0"}, 1);
    ExpectError(r.records[1], 2, "Record is longer than 50 bytes");
    // The 50 bytes from line 2 run out inside line 10; the reader skips to its LF and goes on at line 11.
    EXPECT_NE(r.records[1].error->find("skipped lines 2 to 10"), std::string::npos) << *r.records[1].error;
    ExpectRecord(r.records[2], {"row", "10"}, 11);
    EXPECT_EQ(r.records.size(), 2u + 30u);
    EXPECT_EQ(r.records.back().line, 40);
}

TEST(CsvReader, RecordBytesExactlyAtLimitVersusOneOver) {
    const CsvLimits limits{.max_record_bytes = 10};
    auto r = ReadAll("0123,56789\r\n\"1\"\"4\",789\n0123,56789A\nok\n01234567,9", limits);
    ASSERT_EQ(r.records.size(), 5u);
    ExpectRecord(r.records[0], {"0123", "56789"}, 1);  // the CRLF does not count
    ExpectRecord(r.records[1], {"1\"4", "789"}, 2);    // quotes count: 10 raw bytes
    ExpectError(r.records[2], 3, "Record is longer than 10 bytes");
    ExpectRecord(r.records[3], {"ok"}, 4);
    ExpectRecord(r.records[4], {"01234567", "9"}, 5);
}

TEST(CsvReader, FieldLengthExactlyAtLimitVersusOneOver) {
    const CsvLimits limits{.max_field_bytes = 8};
    auto r = ReadAll("12345678,\"ab\"\"cd\"\"ef\"\n123456789,x\ny,\"abcdefgh\"\"\"\nok\n", limits);
    ASSERT_EQ(r.records.size(), 4u);
    ExpectRecord(r.records[0], {"12345678", "ab\"cd\"ef"}, 1);  // the limit counts unquoted bytes
    ExpectError(r.records[1], 2, "Field 1 is longer than 8 bytes");
    ExpectError(r.records[2], 3, "Field 2 is longer than 8 bytes");
    ExpectRecord(r.records[3], {"ok"}, 4);
}

TEST(CsvReader, FieldCountExactlyAtLimitVersusOneMore) {
    const CsvLimits limits{.max_fields = 4};
    auto r = ReadAll("a,b,c,d\na,b,c,d,e\na,b,c,d,\n,,,\nok\n", limits);
    ASSERT_EQ(r.records.size(), 5u);
    ExpectRecord(r.records[0], {"a", "b", "c", "d"}, 1);
    ExpectError(r.records[1], 2, "Record has more than 4 fields");
    ExpectError(r.records[2], 3, "Record has more than 4 fields");  // the trailing comma opens a fifth
    ExpectRecord(r.records[3], {"", "", "", ""}, 4);
    ExpectRecord(r.records[4], {"ok"}, 5);
}

TEST(CsvReader, Utf8ByteOrderMarkIsSkipped) {
    auto r = ReadAll("\xEF\xBB\xBFpartner,amount\n\xEF\xBB\xBFx\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectRecord(r.records[0], {"partner", "amount"}, 1);
    ExpectRecord(r.records[1], {"\xEF\xBB\xBFx"}, 2);  // only at the very start is it a BOM
    EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").records.empty());
    EXPECT_TRUE(ReadAll("\xEF\xBB\xBF\r\n").records.empty());
}

TEST(CsvReader, Utf16Or32ByteOrderMarkIsOneErrorThenTheEnd) {
    for (const std::string& text : {std::string("\xFF\xFEp\0,\0\n\0", 8), std::string("\xFE\xFF\0p\0\n", 6),
                                    std::string("\0\0\xFE\xFF\0\0\0p", 8), std::string("\xFF\xFE", 2)}) {
        auto r = ReadAll(text);
        ASSERT_EQ(r.records.size(), 1u);
        ExpectError(r.records[0], 1, "must be UTF-8");
    }
}

TEST(CsvReader, InvalidUtf8IsAnErrorNamingTheColumn) {
    const std::vector<std::string> bad = {
        "\xC0\xAF",          // overlong '/'
        "\xC1\xBF",          // overlong
        "\xE0\x80\xAF",      // overlong, 3 bytes
        "\xF0\x80\x80\xAF",  // overlong, 4 bytes
        "\xED\xA0\x80",      // surrogate U+D800
        "\xED\xBF\xBF",      // surrogate U+DFFF
        "\xF4\x90\x80\x80",  // U+110000
        "\xF5\x80\x80\x80",  // lead byte above F4
        "\xE2\x82",          // truncated euro sign
        "\xF0\x9F\x98",      // truncated 4-byte
        "x\x80y",            // stray continuation byte
        "\xC3(",             // lead byte without continuation
        "\xFF",
    };
    for (const std::string& field : bad) {
        SCOPED_TRACE(testing::PrintToString(field));
        auto r = ReadAll("ok," + field + ",z\nnext\n");
        ASSERT_EQ(r.records.size(), 2u);
        ExpectError(r.records[0], 1, "Field 2 is not valid UTF-8");
        ExpectRecord(r.records[1], {"next"}, 2);
        auto quoted = ReadAll("ok,z,\"" + field + "\"");
        ASSERT_EQ(quoted.records.size(), 1u);
        ExpectError(quoted.records[0], 1, "Field 3 is not valid UTF-8");
    }
    auto truncated_at_eof = ReadAll("a,\xE2\x82");
    ASSERT_EQ(truncated_at_eof.records.size(), 1u);
    ExpectError(truncated_at_eof.records[0], 1, "Field 2 is not valid UTF-8");
}

TEST(CsvReader, AcceptsValidUtf8AtTheEdges) {
    const Fields good = {"\xC2\x80",
                         "\xDF\xBF",
                         "\xE0\xA0\x80",
                         "\xED\x9F\xBF",
                         "\xEE\x80\x80",
                         "\xEF\xBF\xBF",
                         "\xF0\x90\x80\x80",
                         "\xF4\x8F\xBF\xBF",
                         "Bl\xC3\xA5"
                         "b\xC3\xA6r",
                         "12,50 \xE2\x82\xAC"};
    std::string line;
    for (const std::string& field : good) line += (line.empty() ? "" : ",") + ("\"" + field + "\"");
    auto r = ReadAll(line + "\n", {.max_fields = 16});
    ASSERT_EQ(r.records.size(), 1u);
    ExpectRecord(r.records[0], good, 1);
}

TEST(CsvReader, EmptyLinesProduceNoRecord) {
    auto r = ReadAll("\n\na\n\r\n\nb\n\n");
    ASSERT_EQ(r.records.size(), 2u);
    ExpectRecord(r.records[0], {"a"}, 3);
    ExpectRecord(r.records[1], {"b"}, 6);
    EXPECT_TRUE(ReadAll("").records.empty());
    EXPECT_TRUE(ReadAll("\n").records.empty());
    EXPECT_TRUE(ReadAll("\r\n\r\n").records.empty());
}

TEST(CsvReader, ErrorMessagesDoNotEchoTheInput) {
    auto r = ReadAll("SECRET\"SECRET\nSECRET\xFF\n\"SECRET\"SECRET\n\"SECRET");
    ASSERT_EQ(r.records.size(), 4u);
    for (const CsvRecord& record : r.records) {
        ASSERT_TRUE(record.error.has_value());
        EXPECT_EQ(record.error->find("SECRET"), std::string::npos) << *record.error;
    }
}

TEST(CsvReader, ReusedRecordGetsExactlyTheNewFields) {
    std::istringstream in("a,b,c\nd\n\"a\"x\nf,g\n");
    CsvReader reader(in);
    CsvRecord record;
    ASSERT_TRUE(reader.Next(record));
    EXPECT_EQ(record.fields, (Fields{"a", "b", "c"}));
    ASSERT_TRUE(reader.Next(record));
    EXPECT_EQ(record.fields, (Fields{"d"}));
    ASSERT_TRUE(reader.Next(record));
    EXPECT_TRUE(record.error.has_value());
    ASSERT_TRUE(reader.Next(record));
    EXPECT_FALSE(record.error.has_value());  // the error of the previous record is cleared
    EXPECT_EQ(record.fields, (Fields{"f", "g"}));
    EXPECT_EQ(record.line, 4);
    EXPECT_FALSE(reader.Next(record));
}

// Puts a tricky record at every offset across the first chunk boundary: CRLF, "" and multi-byte UTF-8
// split between two reads must read as if they were not.
TEST(CsvReader, ChunkBoundaryFallsAnywhereInARecord) {
    const std::string tricky = "\"a\"\"b\",\"c\r\nd\",\xE2\x82\xAC\xF0\x9F\x98\x80\r\nlast\n";
    const CsvLimits limits{.max_field_bytes = 1 << 20, .max_record_bytes = 1 << 20};
    for (size_t pad = CsvReader::kChunkBytes - tricky.size(); pad <= CsvReader::kChunkBytes; ++pad) {
        SCOPED_TRACE(pad);
        auto r = ReadAll(std::string(pad - 1, 'p') + "\n" + tricky, limits);
        ASSERT_EQ(r.records.size(), 3u);
        ExpectRecord(r.records[1], {"a\"b", "c\r\nd", "\xE2\x82\xAC\xF0\x9F\x98\x80"}, 2);
        ExpectRecord(r.records[2], {"last"}, 4);
    }
}

TEST(CsvReader, LongInputIsStreamedInChunks) {
    constexpr int kRows = 200'000;
    std::stringstream text;
    for (int i = 0; i < kRows; ++i) {
        text << "P" << i % 97 << "," << i << ",2025-01-" << 10 + i % 20 << ",";
        if (i % 7 == 0) {
            text << "\"note \"\"" << i << "\"\"\r\nsecond line\"";
        } else {
            text << "Kr\xC3\xB8"
                 << "ne " << i;
        }
        text << (i % 2 ? "\r\n" : "\n");
    }
    const auto size = static_cast<int64_t>(text.str().size());
    ASSERT_GT(size, 40 * static_cast<int64_t>(CsvReader::kChunkBytes));
    CsvReader reader(text);
    CsvRecord record;
    int64_t rows = 0;
    int64_t line = 1;
    while (reader.Next(record)) {
        ASSERT_FALSE(record.error.has_value()) << *record.error;
        ASSERT_EQ(record.line, line);
        ASSERT_EQ(record.fields.size(), 4u);
        ASSERT_EQ(record.fields[1], std::to_string(rows));
        if (rows % 7 == 0) {
            ASSERT_EQ(record.fields[3], "note \"" + std::to_string(rows) + "\"\r\nsecond line");
        }
        line += rows % 7 == 0 ? 2 : 1;
        ++rows;
        ASSERT_LE(reader.bytes_read(), size);
    }
    EXPECT_EQ(rows, kRows);
    EXPECT_EQ(reader.bytes_read(), size);
}

// A stream buffer whose device fails after some bytes, as a broken disk or connection would.
class FailingBuf : public std::streambuf {
  public:
    explicit FailingBuf(std::string head) : head_(std::move(head)) {
        setg(head_.data(), head_.data(), head_.data() + head_.size());
    }

  protected:
    int_type underflow() override { throw std::runtime_error("device gone"); }

  private:
    std::string head_;
};

TEST(CsvReader, ReadErrorOfTheStreamThrows) {
    FailingBuf buf("a,b\n");
    std::istream in(&buf);
    CsvReader reader(in);
    CsvRecord record;
    EXPECT_THROW(reader.Next(record), std::runtime_error);
}

// Generated and mutated inputs through the fuzz entry, which aborts when an invariant breaks.
TEST(CsvReader, RandomInputsNeverCrashAndStayBounded) {
    std::mt19937 rng(4180);
    const std::vector<std::string> tokens = {"a",
                                             "bc",
                                             "0123456789abcdefg",
                                             ",",
                                             ",",
                                             "\"",
                                             "\"",
                                             "\"\"",
                                             "\r",
                                             "\n",
                                             "\n",
                                             "\r\n",
                                             "\xC3\xA5",
                                             "\xE2\x82\xAC",
                                             "\xF0\x9F\x98\x80",
                                             "\xC0",
                                             "\x80",
                                             "\xED\xA0\x80",
                                             "\xFF",
                                             "\xEF\xBB\xBF",
                                             "\xFE\xFF",
                                             std::string(1, '\0'),
                                             " "};
    const std::vector<std::string> seeds = {
        "partner,amount,date\nP1,100,2025-01-01\r\nP2,\"1,5\",\"a \"\"b\"\"\nc\"\n",
        "\xEF\xBB\xBFx,y\n\n\"\",\"\"\"\"\n",
        "\"open\nrow,1\nrow,2\nrow,3\nrow,4\nrow,5\nrow,6\nrow,7\nrow,8\nrow,9\nrow,10\nrow,11\nrow,12\n",
        "a,b,c,d,e,f,g,h\na,b,c,d,e,f,g,h,i\n1234567890123456,12345678901234567\n",
    };
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    for (int i = 0; i < 20'000; ++i) {
        std::string input;
        if (i % 2 == 0) {
            const size_t count = pick(60);
            for (size_t t = 0; t < count; ++t) input += tokens[pick(tokens.size())];
        } else {
            input = seeds[pick(seeds.size())];
            const size_t edits = 1 + pick(6);
            for (size_t e = 0; e < edits && !input.empty(); ++e) {
                const size_t at = pick(input.size());
                switch (pick(4)) {
                    case 0:
                        input[at] = static_cast<char>(pick(256));
                        break;
                    case 1:
                        input.erase(at, 1 + pick(4));
                        break;
                    case 2:
                        input.insert(at, tokens[pick(tokens.size())]);
                        break;
                    default:
                        input.insert(at, input.substr(pick(input.size()), pick(20)));
                        break;
                }
            }
        }
        CsvFuzzOne(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    }
}

}  // namespace
}  // namespace andel::core

namespace andel::core {
namespace {

TEST(CsvField, QuotesOnlyWhenNeededAndDisarmsFormulas) {
    EXPECT_EQ(CsvField("plain"), "plain");
    EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(CsvField("=SUM(A1)"), "'=SUM(A1)");  // a spreadsheet shows it, never runs it
    EXPECT_EQ(CsvField("@cmd,x"), "\"'@cmd,x\"");
    EXPECT_EQ(CsvField(""), "");
}

}  // namespace
}  // namespace andel::core
