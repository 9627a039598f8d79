#include "core/csv.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace andel::core {
namespace {

using Stops = std::array<bool, 256>;

constexpr Stops MakeStops(std::string_view chars) {
    Stops stops{};
    for (char c : chars) stops[static_cast<unsigned char>(c)] = true;
    return stops;
}

// Bytes that end a run of plain field content.
constexpr Stops kUnquotedStops = MakeStops(",\n\r\"");
constexpr Stops kQuotedStops = MakeStops("\n\"");

size_t RunLength(const char* begin, const char* end, const Stops& stops) {
    const char* p = begin;
    while (p < end && !stops[static_cast<unsigned char>(*p)]) ++p;
    return static_cast<size_t>(p - begin);
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::string FieldMessage(size_t column, std::string_view what) {
    return "Field " + std::to_string(column) + " " + std::string(what);
}

enum class State {
    kFieldStart,     // nothing of the next field read yet
    kUnquoted,       // inside a field that did not start with a quote
    kQuoted,         // inside a quoted field
    kQuoteInQuoted,  // just read a quote inside a quoted field: closing quote, or first half of ""
};

}  // namespace

bool IsValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        while (end - p >= 8) {  // ASCII fast path, 8 bytes at a time
            uint64_t word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL) break;
            p += 8;
        }
        if (p == end) break;
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        size_t extra;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            if (c == 0xE0) lo = 0xA0;  // overlong
            if (c == 0xED) hi = 0x9F;  // U+D800..U+DFFF
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            if (c == 0xF0) lo = 0x90;  // overlong
            if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
        } else {
            return false;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
        }
        if (static_cast<size_t>(end - p) <= extra) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (size_t i = 2; i <= extra; ++i) {
            if (!IsContinuation(p[i])) return false;
        }
        p += extra + 1;
    }
    return true;
}

CsvReader::CsvReader(std::istream& in, CsvLimits limits) : CsvReader(in, limits, kChunkBytes) {}

CsvReader::CsvReader(std::istream& in, CsvLimits limits, size_t chunk_bytes)
    : in_(in), limits_(limits), chunk_bytes_(std::max<size_t>(chunk_bytes, 1)) {
    buf_.resize(std::max<size_t>(chunk_bytes_, 4));  // the first read needs 4 bytes to see a BOM
}

bool CsvReader::Refill(size_t want) {
    consumed_before_buffer_ += static_cast<int64_t>(len_);
    pos_ = 0;
    len_ = 0;
    if (at_eof_) return false;
    in_.read(buf_.data(), static_cast<std::streamsize>(std::min(want, buf_.size())));
    if (in_.bad()) throw std::runtime_error("The CSV input stream failed while reading.");
    len_ = static_cast<size_t>(in_.gcount());
    if (len_ == 0) at_eof_ = true;
    return len_ > 0;
}

// Returns true (and fills `out`) when the file starts with a UTF-16/32 byte order mark.
bool CsvReader::CheckByteOrderMark(CsvRecord& out) {
    bom_checked_ = true;
    if (!Refill(buf_.size())) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(buf_.data());
    if (len_ >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        pos_ = 3;
        return false;
    }
    const bool utf16_or_32 =
        (len_ >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) ||
        (len_ >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF);
    if (!utf16_or_32) return false;
    out.fields.clear();
    out.line = 1;
    out.error = "The file must be UTF-8, but it starts with a UTF-16 or UTF-32 byte order mark.";
    finished_ = true;
    return true;
}

// Called with buf_[pos_] == '\r' outside quotes: consumes it, and the LF after it if there is one.
bool CsvReader::ConsumeCrLf() {
    ++pos_;
    if (pos_ == len_ && !Refill()) return false;
    if (buf_[pos_] != '\n') return false;
    ++pos_;
    ++line_;
    return true;
}

void CsvReader::SkipPastLineFeed() {
    for (;;) {
        if (pos_ == len_ && !Refill()) return;
        const void* lf = std::memchr(buf_.data() + pos_, '\n', len_ - pos_);
        if (lf != nullptr) {
            pos_ = static_cast<size_t>(static_cast<const char*>(lf) - buf_.data()) + 1;
            ++line_;
            return;
        }
        pos_ = len_;
    }
}

void CsvReader::DrainInput() {
    while (pos_ < len_ || Refill()) pos_ = len_;
}

bool CsvReader::Next(CsvRecord& out) {
    out.error.reset();
    if (finished_) {
        DrainInput();  // so bytes_read() reaches the end for the progress bar
        return false;
    }
    if (!bom_checked_ && CheckByteOrderMark(out)) return true;

    size_t nfields = 0;  // fields opened so far; the current one is nfields (1-based)
    size_t record_bytes = 0;
    bool failed = false;
    State state = State::kFieldStart;
    out.line = line_;

    auto fail = [&](std::string message) {
        if (failed) return;
        failed = true;
        out.error = std::move(message);
    };
    auto open_field = [&] {
        ++nfields;
        if (failed) return;
        if (nfields > limits_.max_fields) {
            fail("Record has more than " + std::to_string(limits_.max_fields) + " fields.");
        } else if (nfields <= out.fields.size()) {
            out.fields[nfields - 1].clear();
        } else {
            out.fields.emplace_back();
        }
    };
    auto append = [&](const char* data, size_t n) {
        if (failed) return;
        std::string& field = out.fields[nfields - 1];
        if (field.size() + n > limits_.max_field_bytes) {
            fail(FieldMessage(nfields,
                              "is longer than " + std::to_string(limits_.max_field_bytes) + " bytes."));
            return;
        }
        field.append(data, n);
    };
    auto close_field = [&] {
        if (!failed && !IsValidUtf8(out.fields[nfields - 1]))
            fail(FieldMessage(nfields, "is not valid UTF-8."));
    };
    auto finish = [&] {
        if (failed) {
            out.fields.clear();
        } else {
            out.fields.resize(nfields);
        }
        return true;
    };
    auto lone_cr = [&] {
        fail(FieldMessage(nfields,
                          "has a carriage return without a line feed; lines must end with LF or CRLF."));
    };

    for (;;) {
        if (record_bytes > limits_.max_record_bytes) {
            SkipPastLineFeed();
            const int64_t last = at_eof_ && pos_ == len_ ? line_ : line_ - 1;
            failed = false;  // this error replaces any earlier one: it says which lines were lost
            fail("Record is longer than " + std::to_string(limits_.max_record_bytes) +
                 " bytes (is a quote left open?); skipped lines " + std::to_string(out.line) + " to " +
                 std::to_string(last) + ".");
            return finish();
        }
        if (pos_ == len_ && !Refill()) {
            switch (state) {
                case State::kFieldStart:
                    if (nfields == 0) return false;  // only empty lines, or nothing, left
                    open_field();                    // a trailing comma: one more, empty field
                    close_field();
                    break;
                case State::kQuoted:
                    fail(FieldMessage(nfields,
                                      "opens a quote that is not closed before the end of the file."));
                    break;
                case State::kUnquoted:
                case State::kQuoteInQuoted:
                    close_field();
                    break;
            }
            return finish();
        }
        const char c = buf_[pos_];
        switch (state) {
            case State::kFieldStart:
                if (c == '\n' || (c == '\r' && ConsumeCrLf())) {
                    if (c == '\n') {
                        ++pos_;
                        ++line_;
                    }
                    if (nfields == 0) {  // an empty line: no record
                        out.line = line_;
                        continue;
                    }
                    open_field();
                    close_field();
                    return finish();
                }
                open_field();
                if (c == '\r') {  // ConsumeCrLf already took it
                    lone_cr();
                    ++record_bytes;
                    state = State::kUnquoted;
                } else if (c == '"') {
                    ++pos_;
                    ++record_bytes;
                    state = State::kQuoted;
                } else if (c == ',') {
                    ++pos_;
                    ++record_bytes;
                    close_field();
                } else {
                    state = State::kUnquoted;
                }
                break;

            case State::kUnquoted: {
                const size_t n = RunLength(buf_.data() + pos_, buf_.data() + len_, kUnquotedStops);
                if (n > 0) {
                    append(buf_.data() + pos_, n);
                    pos_ += n;
                    record_bytes += n;
                    break;
                }
                if (c == ',') {
                    ++pos_;
                    ++record_bytes;
                    close_field();
                    state = State::kFieldStart;
                } else if (c == '\n') {
                    ++pos_;
                    ++line_;
                    close_field();
                    return finish();
                } else if (c == '\r') {
                    if (ConsumeCrLf()) {
                        close_field();
                        return finish();
                    }
                    lone_cr();  // resynchronising: the CR counts as content
                    ++record_bytes;
                } else {  // '"'
                    fail(FieldMessage(nfields, "has a quote but does not start with one."));
                    ++pos_;
                    ++record_bytes;
                }
                break;
            }

            case State::kQuoted: {
                const size_t n = RunLength(buf_.data() + pos_, buf_.data() + len_, kQuotedStops);
                if (n > 0) {
                    append(buf_.data() + pos_, n);
                    pos_ += n;
                    record_bytes += n;
                    break;
                }
                ++pos_;
                ++record_bytes;
                if (c == '\n') {
                    append("\n", 1);
                    ++line_;
                } else {  // '"'
                    state = State::kQuoteInQuoted;
                }
                break;
            }

            case State::kQuoteInQuoted:
                if (c == '"') {
                    ++pos_;
                    ++record_bytes;
                    append("\"", 1);
                    state = State::kQuoted;
                } else if (c == ',') {
                    ++pos_;
                    ++record_bytes;
                    close_field();
                    state = State::kFieldStart;
                } else if (c == '\n') {
                    ++pos_;
                    ++line_;
                    close_field();
                    return finish();
                } else if (c == '\r') {
                    if (ConsumeCrLf()) {
                        close_field();
                        return finish();
                    }
                    lone_cr();
                    ++record_bytes;
                    state = State::kUnquoted;
                } else {
                    fail(FieldMessage(nfields, "has text after its closing quote."));
                    state = State::kUnquoted;  // resynchronising: the rest counts as unquoted content
                }
                break;
        }
    }
}

namespace {

[[noreturn]] void Violated() { std::abort(); }

void Require(bool invariant) {
    if (!invariant) Violated();
}

std::string EncodeRecord(const std::vector<std::string>& fields) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) line += ',';
        line += '"';
        for (char c : fields[i]) {
            if (c == '"') line += '"';
            line += c;
        }
        line += '"';
    }
    line += "\r\n";
    return line;
}

}  // namespace

void CsvFuzzOne(const uint8_t* data, size_t size) {
    const CsvLimits limits{.max_field_bytes = 16, .max_fields = 8, .max_record_bytes = 96};
    const std::string input(reinterpret_cast<const char*>(data), size);
    const int64_t line_feeds = std::count(input.begin(), input.end(), '\n');

    std::vector<CsvRecord> reference;  // records read with the normal chunk size
    for (size_t chunk : {CsvReader::kChunkBytes, size_t{1}, size_t{7}}) {
        std::istringstream in(input);
        CsvReader reader(in, limits, chunk);
        CsvRecord record;
        size_t count = 0;
        int64_t previous_line = 0;
        int64_t previous_bytes = 0;
        while (reader.Next(record)) {
            Require(record.line > previous_line && record.line <= line_feeds + 1);
            previous_line = record.line;
            Require(reader.bytes_read() >= previous_bytes &&
                    reader.bytes_read() <= static_cast<int64_t>(size));
            previous_bytes = reader.bytes_read();
            Require(record.fields.size() <= limits.max_fields);
            for (const std::string& field : record.fields) Require(field.size() <= limits.max_field_bytes);
            if (record.error) {
                Require(!record.error->empty() && record.error->size() < 200);  // no input echoed
            } else {
                Require(!record.fields.empty());
                for (const std::string& field : record.fields) Require(IsValidUtf8(field));
                // A good record, re-encoded with every field quoted, reads back the same.
                std::istringstream again(EncodeRecord(record.fields));
                CsvReader reread(again, {.max_field_bytes = 16, .max_fields = 8, .max_record_bytes = 1024});
                CsvRecord copy;
                Require(reread.Next(copy) && !copy.error && copy.fields == record.fields &&
                        !reread.Next(copy));
            }
            if (chunk == CsvReader::kChunkBytes) {
                reference.push_back(record);
            } else {
                Require(count < reference.size());
                const CsvRecord& expected = reference[count];
                Require(record.line == expected.line && record.error == expected.error);
                Require(record.error || record.fields == expected.fields);
            }
            ++count;
        }
        Require(count == reference.size());
        Require(reader.bytes_read() == static_cast<int64_t>(size));
        Require(!reader.Next(record) && reader.bytes_read() == static_cast<int64_t>(size));
    }
}

std::string CsvField(std::string_view s) {
    std::string v;
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) v = "'";
    v += s;
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char ch : v) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

}  // namespace andel::core
