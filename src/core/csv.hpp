#pragma once
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace andel::core {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Here because the CSV
// reader was its first user; form fields that end up in JSON are checked with it too.
bool IsValidUtf8(std::string_view s);

// Bounds on one record, so a hostile partner file cannot make the reader hold more than
// max_fields * max_field_bytes plus one read chunk, whatever its size.
struct CsvLimits {
    size_t max_field_bytes = 1024;    // a longer field (after unquoting) is an error for that record
    size_t max_fields = 64;           // more fields is an error for that record
    size_t max_record_bytes = 16384;  // raw bytes without the line break; longer: error, skip to the next LF
};

struct CsvRecord {
    std::vector<std::string> fields;
    int64_t line = 0;                  // 1-based physical line on which the record starts
    std::optional<std::string> error;  // set when this record breaks the format; fields are then unspecified
};

// Streaming RFC 4180 reader for partner sale files: `,` separates fields, records end with LF or CRLF,
// quoted fields may hold `,`, CR, LF and `""`. Fields must be UTF-8; a UTF-8 BOM is skipped, a UTF-16/32
// BOM is one error on line 1 and then the end. A bad record comes back with `error` set and reading
// resumes at the next line break outside a quoted field, so every bad row can be reported.
class CsvReader {
  public:
    static constexpr size_t kChunkBytes = 64 * 1024;  // bytes read from the stream at a time

    explicit CsvReader(std::istream& in, CsvLimits limits = {});

    // Reads the next record into `out` (reusing its strings); returns false at the end of input.
    // Throws std::runtime_error if the stream reports a read error (badbit): a half-read upload must
    // not look like a complete one.
    bool Next(CsvRecord& out);
    // Bytes of the stream consumed so far (for a progress bar); the stream's size once Next returns false.
    int64_t bytes_read() const { return consumed_before_buffer_ + static_cast<int64_t>(pos_); }

  private:
    friend void CsvFuzzOne(const uint8_t* data, size_t size);
    // Lets the fuzz entry run the same input with tiny chunks, so every chunk boundary is exercised.
    CsvReader(std::istream& in, CsvLimits limits, size_t chunk_bytes);

    bool Refill(size_t want);
    bool Refill() { return Refill(chunk_bytes_); }
    bool CheckByteOrderMark(CsvRecord& out);
    bool ConsumeCrLf();
    void SkipPastLineFeed();
    void DrainInput();

    std::istream& in_;
    CsvLimits limits_;
    size_t chunk_bytes_;
    std::vector<char> buf_;
    size_t pos_ = 0;  // next unread byte in buf_
    size_t len_ = 0;  // valid bytes in buf_
    int64_t consumed_before_buffer_ = 0;
    int64_t line_ = 1;  // physical line of buf_[pos_]
    bool at_eof_ = false;
    bool bom_checked_ = false;
    bool finished_ = false;  // a fatal error (not UTF-8) ended the file
};

// Reads every record of `data` with small limits and several chunk sizes, and calls std::abort if an
// invariant breaks (limits held, lines increasing, all bytes consumed, same records whatever the chunking,
// good records survive re-encoding). Shared by the libFuzzer target and the unit tests.
void CsvFuzzOne(const uint8_t* data, size_t size);

// A field for a CSV file we write (RFC 4180): quoted when it holds a comma, quote or line break; a leading
// =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula.
std::string CsvField(std::string_view s);

}  // namespace andel::core
