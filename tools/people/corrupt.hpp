// How a record's text gets spoiled at a registration desk: Vietnamese names
// folded to ASCII, upper-cased, decomposed (NFD), with one typo or the old
// spelling of a syllable; addresses abbreviated; a birth date with a wrong
// digit. Everything writes into the generator's buffer: no allocation.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tools/people/people.hpp"
#include "tools/workload/json_writer.hpp"

namespace ehb::people {

using workload::W;

struct NameStyle {
    bool fold = false;       // diacritics removed: "Nguyễn" -> "Nguyen", "Đặng" -> "Dang"
    bool caps = false;       // ALL CAPS: "NGUYỄN" (or "NGUYEN" with fold)
    bool nfd = false;        // decomposed: base letter, then its combining marks in canonical order
    int typo_token = -1;     // the token that gets one typo, or -1
    uint64_t typo_bits = 0;  // which typo and where
    int double_space = -1;   // the separator after this token is two spaces, or -1
};

// Writes the tokens (UTF-8 words of at most 32 letters) separated by spaces, in the style.
// A typo is a substitution by a QWERTY neighbour, a deletion, an insertion or a
// transposition of two adjacent letters; it always changes the token.
void write_name(std::span<const std::string_view> tokens, const NameStyle& style, W& w);

// The token in its other accepted spelling: old tone placement ("Hòa" -> "Hoà",
// "Thủy" -> "Thuỷ") or i for y ("Quý" -> "Quí", "Vy" -> "Vi"); empty when it has none.
std::string_view spelling_variant(std::string_view token);

struct AddressStyle {
    bool abbreviated = false;  // "P.", "Q.", "X.", "H.", "T.", "TP." or "Tp"; the house number without "Số"
    bool tight = false;        // no space after an abbreviation's dot: "P.Tân Định"
    bool tp_short = false;     // "Tp" rather than "TP." for a city
};

// "Số 12, Đường Lê Lợi, Phường Tân Định, Quận Hải Châu, Thành phố Đà Nẵng" or
// "Thôn 3, Xã An Phú, Huyện Cầu Giấy, Tỉnh Nam Định", in the style.
void write_address(const Address& a, const AddressStyle& style, W& w);

// Birth dates, in days since 1970-01-01.
bool day_month_swappable(int64_t day);  // day and month both <= 12 and different
int64_t swap_day_month(int64_t day);
// The date with one digit of its yyyymmdd changed (not the century), still a
// valid date no later than the reference year.
int64_t with_wrong_digit(int64_t day, uint64_t bits);

}  // namespace ehb::people
